"""Attachments: the type read from the bytes (an .exe renamed .pdf is refused), at most
20 MB, stored under MEDIA and served only through the view that checks who may see the
contract."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.errors import ContractError, InvalidInput
from contracts.models import Attachment
from contracts.services import approval, contracts
from contracts.validation import MAX_ATTACHMENT_BYTES

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def office(part):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, "<x/>")
    return buffer.getvalue()


DOCX = office("word/document.xml")
XLSX = office("xl/workbook.xml")


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("合同.pdf", PDF, "pdf"),
        ("合同.docx", DOCX, "docx"),
        ("报价.xlsx", XLSX, "xlsx"),
        ("扫描件.JPG", JPG, "jpg"),
        ("扫描件.jpeg", JPG, "jpg"),
        ("盖章页.png", PNG, "png"),
    ],
)
def test_the_allowed_types_are_stored_under_media(rep, contract, media_root, name, content, kind):
    attachment = contracts.attachment_add(contract=contract, by=rep, upload=upload(name, content))
    assert (attachment.file_type, attachment.name, attachment.size) == (kind, name, len(content))
    stored = media_root / attachment.file.name
    assert stored.read_bytes() == content
    assert attachment.file.name.startswith("contracts/")
    assert attachment.file.name.endswith(f"{contract.number}.{kind}")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("合同.pdf", EXE, "is not a PDF, Word (.docx), Excel (.xlsx), JPG or PNG"),
        ("setup.exe", EXE, "is not a PDF"),
        ("合同.docx", office("other.xml"), "is not a PDF"),
        ("压缩包.docx", b"PK\x03\x04broken zip", "is not a PDF"),
        ("报价.docx", XLSX, "is named as another type than its content (XLSX)"),
        ("合同.png", PDF, "is named as another type than its content (PDF)"),
        ("空.pdf", b"", "The file is empty"),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_stored(
    rep, contract, media_root, name, content, message
):
    with pytest.raises(InvalidInput) as refused:
        contracts.attachment_add(contract=contract, by=rep, upload=upload(name, content))
    assert message in refused.value.errors["file"][0]
    assert not Attachment.objects.exists()
    assert not (media_root / "contracts").exists()


def test_more_than_20_mb_is_refused(rep, contract):
    big = upload("大文件.pdf", PDF + b"\x00" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF)))
    with pytest.raises(InvalidInput, match="at most 20 MB"):
        contracts.attachment_add(contract=contract, by=rep, upload=big)
    exactly = upload("刚好.pdf", PDF + b"\x00" * (MAX_ATTACHMENT_BYTES - len(PDF)))
    assert contracts.attachment_add(contract=contract, by=rep, upload=exactly).size == (
        MAX_ATTACHMENT_BYTES
    )


def test_no_attachment_while_in_approval(rep, contract):
    approval.contract_submit(contract=contract, by=rep)
    with pytest.raises(ContractError, match="in approval cannot be edited"):
        contracts.attachment_add(contract=contract, by=rep, upload=upload("a.pdf", PDF))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("director", 200),
        ("general_manager", 200),
        ("admin_user", 200),
        ("other_rep", 404),
        ("legal", 404),
        ("delivery", 404),
        ("aftersales", 404),
    ],
)
def test_the_file_is_served_only_to_who_sees_the_contract(
    request, client, rep, contract, who, status
):
    attachment = contracts.attachment_add(contract=contract, by=rep, upload=upload("合同.pdf", PDF))
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("contracts:attachment-download", args=[attachment.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]


def test_legal_gets_the_file_once_the_contract_reaches_its_step(
    client, rep, manager, legal, contract
):
    attachment = contracts.attachment_add(contract=contract, by=rep, upload=upload("合同.pdf", PDF))
    url = reverse("contracts:attachment-download", args=[attachment.pk])
    client.force_login(legal)
    assert client.get(url).status_code == 404
    approval.contract_submit(contract=contract, by=rep)
    approval.contract_approve(contract=contract, by=manager)
    assert client.get(url).status_code == 200


def test_there_is_no_public_media_url(client, rep, contract):
    attachment = contracts.attachment_add(contract=contract, by=rep, upload=upload("合同.pdf", PDF))
    client.force_login(rep)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
