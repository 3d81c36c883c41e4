"""E-mail (.eml) through the standard library's ``email`` package.

The subject is the heading; From, To, Cc and Date are "Field: value" lines; the body is
the plain-text part (the HTML part when there is none). Attached files are returned as
``Attachment``s: the pipeline ingests each as its own document under
``<mail path>/<file name>``, titled with the mail it came with, and the mail lists them.
The MIME parts are counted on the raw bytes before parsing: a mail with more than
``max_mime_parts`` is refused without building its tree.
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage, Message
from pathlib import Path

from core.errors import IngestError
from core.schema import Block
from core.settings import IngestSettings
from ingest.blocks import LIST_MARK, elements_to_blocks, text_blocks
from ingest.parsed import Attachment, Parsed
from ingest.sources import SourceFile
from ingest.structure import BULLET

PART_HEADER = re.compile(rb"^content-type:", re.IGNORECASE | re.MULTILINE)
FIELDS = ("From", "To", "Cc", "Date")
UNSAFE_NAME = re.compile(r"[\\/\x00-\x1f]+")


def read_eml(src: SourceFile, data: bytes, cfg: IngestSettings) -> Parsed:
    """Subject, sender, recipients, date and body; attachments to ingest separately."""
    parts = len(PART_HEADER.findall(data))
    if parts > cfg.max_mime_parts:
        raise IngestError(
            f"e-mail with {parts:,} MIME parts, over the limit of {cfg.max_mime_parts:,} "
            "(CAIRN_INGEST__MAX_MIME_PARTS): not read"
        )
    try:
        msg = email.message_from_bytes(data, policy=policy.default)
        body = msg.get_body(preferencelist=("plain", "html"))
        attachments = _attachments(msg, body)
    except RecursionError as exc:
        raise IngestError("e-mail MIME tree nested too deeply: not read") from exc
    subject = " ".join(str(msg["subject"] or "").split()) or Path(src.rel).stem
    blocks = [Block(text=subject, kind="heading", heading_level=0)]
    for name in FIELDS:
        value = " ".join(str(msg[name] or "").split())
        if value:
            blocks.append(Block(text=f"{BULLET}{name}: {value}", kind="listitem"))
    if attachments:
        names = ", ".join(a.name for a in attachments)
        blocks.append(Block(text=f"{BULLET}Attachments: {names}", kind="listitem"))
    blocks += _body_blocks(body, cfg.languages)
    return Parsed(blocks=blocks, meta={"title": subject}, attachments=attachments)


def _body_blocks(body: Message | None, languages: list[str]) -> list[Block]:
    if body is None:
        return []
    text = _content(body)
    if body.get_content_subtype() == "html":
        from unstructured.partition.html import partition_html

        return elements_to_blocks(partition_html(text=text, languages=languages)) if text else []
    return text_blocks(unwrap(text), languages)


def _content(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, AttributeError):  # unknown charset: best effort
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def unwrap(text: str) -> str:
    """Join a plain-text mail's hard-wrapped lines into paragraphs (blank-line separated);
    list items and quoted lines stay on their own lines."""
    out = []
    for para in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines: list[str] = []
        for line in (ln.strip() for ln in para.split("\n")):
            if not line:
                continue
            if lines and not LIST_MARK.match(line) and not line.startswith(">"):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        if lines:
            out.append("\n\n".join(lines))
    return "\n\n".join(out)


def _attachments(msg: Message, body: Message | None) -> list[Attachment]:
    """Every attached file (a forwarded message too), with a safe, unique name."""
    out: list[Attachment] = []
    seen: set[str] = set()
    for part in _leaves(msg):
        if part is body:
            continue
        filename = part.get_filename()
        if not filename and part.get_content_disposition() != "attachment":
            continue
        data = _attachment_bytes(part)
        if data is None:
            continue
        name = _unique(_safe_name(filename, part, len(out) + 1), seen)
        out.append(Attachment(name=name, data=data))
    return out


def _leaves(part: Message) -> Iterator[Message]:
    """The parts that hold content; a forwarded message is one part (its own attachments
    are found when it is ingested in turn)."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    for sub in part.get_payload():
        if isinstance(sub, Message):
            yield from _leaves(sub)


def _attachment_bytes(part: Message) -> bytes | None:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload(0) if part.is_multipart() else None
        return bytes(inner.as_bytes()) if isinstance(inner, EmailMessage | Message) else None
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else None


def _safe_name(filename: str | None, part: Message, n: int) -> str:
    name = UNSAFE_NAME.sub("_", Path(str(filename or "")).name).strip(" .")
    if name:
        return name
    suffix = ".eml" if part.get_content_type() == "message/rfc822" else ""
    return f"attachment-{n}{suffix}"


def _unique(name: str, seen: set[str]) -> str:
    stem, suffix, n = Path(name).stem, Path(name).suffix, 1
    while name in seen:
        n += 1
        name = f"{stem}-{n}{suffix}"
    seen.add(name)
    return name
