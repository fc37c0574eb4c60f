"""Files in an S3-compatible object store shared by every application server (moto's server on
loopback stands in for MinIO or the provider's store): attachments, letter copies, batches and
uploaded logos are written and read back through Django's storage, and served only by the
permission-checked views."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

pytest.importorskip("storages", reason="the [s3] extra is not installed")
moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed")
boto3 = pytest.importorskip("boto3")

BUCKET = "allo-mairie-test"
PNG = b"\x89PNG\r\n\x1a\n" + b"photo of a pothole" * 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """The default storage is the object store (as AWS_STORAGE_BUCKET_NAME sets it); the local
    MEDIA_ROOT is left empty, so nothing can be read from a server's own disk."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-3")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-west-3",
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.django_db
def test_attachment_is_stored_in_the_bucket_and_served_only_through_the_view(
    bucket, make_fiche, users, client, settings
):
    fiche = make_fiche("VOI-NID")
    client.force_login(users["agent"])
    upload = client.post(
        reverse("fiches:upload", args=[fiche.reference]), {"file": SimpleUploadedFile("nid.png", PNG)}
    )
    assert upload.status_code == 302
    attachment = fiche.attachments.get()
    assert keys(bucket) == [attachment.file.name]
    assert not (settings.MEDIA_ROOT / attachment.file.name).exists()
    stored = bucket.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    assert stored == PNG
    acl = bucket.get_object_acl(Bucket=BUCKET, Key=attachment.file.name)
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in acl["Grants"])

    url = reverse("fiches:download", args=[fiche.reference, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    client.force_login(users["cellule-eclairage"])  # another directorate: the fiche does not exist
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_letters_batches_and_logos_live_in_the_bucket(
    bucket, make_fiche, requester_factory, committed, users, client, bodies
):
    from correspondence.models import Message
    from correspondence.services import build_batch

    logo = BytesIO()
    Image.new("RGB", (200, 60), (200, 30, 30)).save(logo, format="PNG")
    bodies["city"].logo.save("ville.png", ContentFile(logo.getvalue()))
    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("letter"))
    letter = Message.objects.get(fiche=fiche, channel="letter")
    assert letter.pdf.name in keys(bucket)
    assert "data:image/png;base64," in letter.html  # the batch renders it on any server

    client.force_login(users["agent"])
    copy = client.get(reverse("correspondence:letter_pdf", args=[letter.pk]))
    assert copy.status_code == 200
    assert b"".join(copy.streaming_content).startswith(b"%PDF")
    batch = build_batch()
    assert batch.pdf.name in keys(bucket)
    printable = client.get(reverse("correspondence:batch_pdf", args=[batch.pk]))
    assert b"".join(printable.streaming_content).startswith(b"%PDF")
    client.force_login(users["cellule-voirie"])
    assert client.get(reverse("correspondence:letter_pdf", args=[letter.pk])).status_code == 404


def test_bucket_setting_switches_the_default_storage_to_the_object_store():
    code = "from django.conf import settings; import json; print(json.dumps(settings.STORAGES['default']))"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "allo_mairie.settings",
        "AWS_STORAGE_BUCKET_NAME": "allo-mairie-files",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
        "AWS_LOCATION": "prod",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    storage = json.loads(result.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["location"]) == (
        "allo-mairie-files",
        "https://s3.example.org",
        "prod",
    )
    assert options["file_overwrite"] is False and options["default_acl"] == "private"
