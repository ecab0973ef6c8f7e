"""A contract's file, served only to a user who may see the contract (there is no public
media URL for it): fetched through `visible_to`, so anyone else gets 404."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from ..models import Attachment
from ..validation import CONTENT_TYPES


@require_GET
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=CONTENT_TYPES[attachment.file_type],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
