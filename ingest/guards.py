"""Checks made on a file's bytes before a parsing library sees them.

- Office Open XML files (.docx, .xlsx, .pptx) are zip containers: the sizes their
  entries declare are added up before anything is unpacked, so a zip bomb dressed as a
  spreadsheet is refused in milliseconds (Python's zipfile never inflates an entry past
  its declared size, so a lying header cannot get round the check).
- A password-protected Office file is not a zip at all but an OLE container holding an
  ``EncryptedPackage`` stream: it is recognised and refused with that reason.
"""

from __future__ import annotations

import io
import zipfile

from core.errors import IngestError
from core.settings import IngestSettings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
MB = 1024 * 1024


def check_office_zip(data: bytes, cfg: IngestSettings) -> None:
    """Refuse an encrypted, broken or over-large Office Open XML container."""
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_PACKAGE in data[: 1 << 20] or ENCRYPTED_PACKAGE in data[-(1 << 20) :]:
            raise IngestError("password-protected Office file (encrypted): not read")
        raise IngestError("not an Office Open XML file (an OLE file with a new-style name)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(f"not a valid Office file (broken zip container: {exc})") from exc
    limit = cfg.max_uncompressed_mb * MB
    total = sum(entry.file_size for entry in entries)
    if total > limit:
        ratio = total / max(len(data), 1)
        raise IngestError(
            f"unpacks to {total / MB:,.0f} MB ({ratio:,.0f}x its size on disk), over the "
            f"{cfg.max_uncompressed_mb:g} MB limit (CAIRN_INGEST__MAX_UNCOMPRESSED_MB): "
            "refused as a possible zip bomb"
        )
