"""The opportunities pages, one module per area: pipeline (the list), board (the kanban),
opportunities (the page, create, edit, competitors, ticks), moves (moves and skip requests),
settings (the admin's stages and lost reasons), quotes and quote_review (template 3),
catalogue, deadlines (延期申请), forecast; mixins scope every page with `visible_to`."""
