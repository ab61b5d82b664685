"""Open-data files: the rows of ``willaq.reports.opendata`` written as CSV, XLSX, JSON or
GeoJSON, streamed.

- **CSV**: UTF-8 (no BOM), comma-separated, a header of column names; with ``hxl=True`` the
  second line holds each column's HXL hashtag.
- **JSON**: one array of objects (``[{…},{…}]``), written object by object; dates as
  ``AAAA-MM-DD``; empty values as ``null``.
- **GeoJSON**: a ``FeatureCollection`` written feature by feature; each row is a ``Feature``
  whose ``properties`` are its columns and whose geometry is a ``Point`` at its ``longitude`` /
  ``latitude`` (``null`` when it has none).
- **XLSX**: openpyxl's write-only workbook into a temporary file (constant memory), sent once
  written; at most ``XLSX_MAX_ROWS`` rows (Excel itself stops at 1,048,576): a larger export is
  refused with a message pointing to CSV, which has no limit.

Every writer is a generator: the response (``StreamingHttpResponse``) pulls a few hundred rows
at a time from the database cursor, so memory does not grow with the size of the export.
"""

import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from willaq.reports.opendata import Column, Row

FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Rows joined into one chunk of the response.
BATCH_ROWS = 500
# Bytes of COPY output joined into one chunk of the response.
COPY_CHUNK_BYTES = 64 * 1024


def xlsx_max_rows() -> int:
    return int(settings.WILLAQ_XLSX_MAX_ROWS)


class TooManyRows(Exception):
    """An XLSX export above ``XLSX_MAX_ROWS``."""


def csv_chunks(columns: list[Column], rows: Iterable[Row], *, hxl: bool = False) -> Iterator[bytes]:
    """The CSV, ``BATCH_ROWS`` rows per chunk (``None`` is written empty by the csv module)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.name for c in columns])
    if hxl:
        writer.writerow([c.hxl for c in columns])
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(batch)
    yield buffer.getvalue().encode()


def copy_csv_chunks(
    columns: list[Column], query: QuerySet[Any], *, hxl: bool = False
) -> Iterator[bytes]:
    """The CSV of a dataset expressed as one query (the events), written by PostgreSQL itself:
    ``COPY (<the query's SQL>) TO STDOUT`` streamed in chunks of about 64 kB. The same rows
    and values as ``csv_chunks`` over the query's tuples (empty text is NULL, written empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.name for c in columns])
    if hxl:
        writer.writerow([c.hxl for c in columns])
    yield buffer.getvalue().encode()
    sql, params = query.query.sql_with_params()
    with (
        transaction.atomic(using=query.db),
        connections[query.db].cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy,
    ):
        batch: list[bytes] = []
        size = 0
        for data in copy:
            batch.append(bytes(data))
            size += len(data)
            if size >= COPY_CHUNK_BYTES:
                yield b"".join(batch)
                batch.clear()
                size = 0
        yield b"".join(batch)


def uses_copy(query: QuerySet[Any] | None) -> bool:
    """Whether a CSV can be written by the database (PostgreSQL's COPY)."""
    return query is not None and connections[query.db].vendor == "postgresql"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if value == "":
        return None
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def json_chunks(columns: list[Column], rows: Iterable[Row]) -> Iterator[bytes]:
    names = [c.name for c in columns]
    yield b"["
    batch: list[str] = []
    first = True
    for row in rows:
        text = _dumps({n: _json_value(v) for n, v in zip(names, row, strict=True)})
        batch.append(("\n" if first else ",\n") + text)
        first = False
        if len(batch) >= BATCH_ROWS:
            yield "".join(batch).encode()
            batch.clear()
    batch.append("\n]\n")
    yield "".join(batch).encode()


def geojson_chunks(columns: list[Column], rows: Iterable[Row]) -> Iterator[bytes]:
    names = [c.name for c in columns]
    lat_at, lon_at = names.index("latitude"), names.index("longitude")
    yield b'{"type":"FeatureCollection","features":['
    batch: list[str] = []
    first = True
    for row in rows:
        lat, lon = row[lat_at], row[lon_at]
        geometry = (
            {"type": "Point", "coordinates": [lon, lat]}
            if lat is not None and lon is not None
            else None
        )
        feature = {
            "type": "Feature",
            "geometry": geometry,
            "properties": {n: _json_value(v) for n, v in zip(names, row, strict=True)},
        }
        batch.append(("\n" if first else ",\n") + _dumps(feature))
        first = False
        if len(batch) >= BATCH_ROWS:
            yield "".join(batch).encode()
            batch.clear()
    batch.append("\n]}\n")
    yield "".join(batch).encode()


def _formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _as_text(worksheet: Any, value: str) -> WriteOnlyCell:
    """A text cell that starts with "=" (a case named "=…"): kept as text, never a formula
    that a spreadsheet would compute."""
    cell = WriteOnlyCell(worksheet, value=value)
    cell.data_type = "s"
    return cell


def write_xlsx(
    columns: list[Column], rows: Iterable[Row], *, hxl: bool = False, sheet: str = "datos"
) -> Any:
    """The rows as an XLSX workbook in a temporary file (rewound), written in openpyxl's
    write-only mode. Raises ``TooManyRows`` past ``xlsx_max_rows()``."""
    limit = xlsx_max_rows()
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append([c.name for c in columns])
    if hxl:
        worksheet.append([c.hxl for c in columns])
    for count, row in enumerate(rows, start=1):
        if count > limit:
            worksheet.close()  # ends openpyxl's writer cleanly before the file is dropped
            raise TooManyRows
        worksheet.append([_as_text(worksheet, v) if _formula_like(v) else v for v in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the FileResponse)
    workbook.save(output)
    output.seek(0)
    return output


def filename(slug: str, fmt: str, today: dt.date | None = None) -> str:
    """``willaq-eventos-2026-12-01.csv``."""
    today = today or timezone.localdate()
    return f"willaq-{slug}-{today.isoformat()}.{fmt}"


def export_response(
    columns: list[Column],
    rows: Iterable[Row],
    fmt: str,
    name: str,
    *,
    hxl: bool = False,
    query: QuerySet[Any] | None = None,
) -> HttpResponseBase:
    """The download response of one export; raises ``TooManyRows`` for an oversized XLSX
    (before anything is sent). ``query``: the dataset as one query (its tuples are ``rows``),
    which PostgreSQL writes as CSV itself."""
    if fmt == "xlsx":
        output = write_xlsx(columns, rows, hxl=hxl)
        response: HttpResponseBase = FileResponse(
            output, as_attachment=True, filename=name, content_type=FORMATS["xlsx"]
        )
        return response
    if fmt == "csv" and uses_copy(query):
        assert query is not None
        chunks = copy_csv_chunks(columns, query, hxl=hxl)
    elif fmt == "csv":
        chunks = csv_chunks(columns, rows, hxl=hxl)
    elif fmt == "json":
        chunks = json_chunks(columns, rows)
    else:
        chunks = geojson_chunks(columns, rows)
    response = StreamingHttpResponse(chunks, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
