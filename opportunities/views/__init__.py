"""The opportunities pages, one module per area: pipeline (the list), board (the kanban),
opportunities (the page, create, edit, competitors, ticks), moves (moves and skip requests),
settings (the admin's stages and lost reasons); mixins scope every page with `visible_to`."""
