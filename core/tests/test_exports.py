"""core.exports: the streamed CSV, sent by chunks of lines, writes what csv writes of the
escaped cells (local times, formulas quoted, nothing for None)."""

import csv
import io
from datetime import UTC, date, datetime

from core.exports import CSV_CHUNK_LINES, csv_response, escape_cell


def test_a_long_csv_comes_in_chunks_of_lines_and_reads_back_whole():
    rows = [
        [f"AM-2026-{n:06d}", datetime(2026, 7, 14, 8, n % 60, tzinfo=UTC), None, n, "=1+1" if n % 7 else "ok"]
        for n in range(2 * CSV_CHUNK_LINES + 50)
    ]
    response = csv_response("fiches", ["Référence", "Créée", "Vide", "N", "Texte"], iter(rows))
    chunks = [chunk.decode() for chunk in response.streaming_content]
    assert len(chunks) == 4  # the header, two full chunks, the rest
    assert [chunk.count("\r\n") for chunk in chunks] == [1, CSV_CHUNK_LINES, CSV_CHUNK_LINES, 50]
    assert chunks[0].startswith("\ufeffRéférence;")
    read = list(csv.reader(io.StringIO("".join(chunks).removeprefix("\ufeff")), delimiter=";"))
    assert read[0] == ["Référence", "Créée", "Vide", "N", "Texte"]
    assert read[1] == ["AM-2026-000000", "2026-07-14 10:00", "", "0", "ok"]  # Paris, summer time
    assert read[2] == ["AM-2026-000001", "2026-07-14 10:01", "", "1", "'=1+1"]
    assert len(read) == len(rows) + 1


def test_an_empty_csv_is_its_header():
    response = csv_response("vide", ["A", "B"], iter([]))
    assert b"".join(response.streaming_content).decode() == "\ufeffA;B\r\n"


def test_cells_are_escaped_with_or_without_the_zone_given():
    winter = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)
    assert escape_cell(winter) == "2026-01-06 00:30"
    naive = datetime(2026, 1, 5, 23, 30)
    assert escape_cell(naive) is naive
    assert escape_cell("+33 6 12") == "'+33 6 12"
    assert escape_cell(date(2026, 1, 5)) == date(2026, 1, 5)
