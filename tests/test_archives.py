"""Issue 11, zip archives read in place: Windows (GBK) member names, a zip in a zip, bombs that
fail alone, skipped members, and --include/--exclude.

Every archive is built here the way Windows tools write them: names in GBK bytes with the
UTF-8 flag (0x800) off, which ``zipfile`` itself never writes.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from goaltables.pipelines.archives import decode_name
from goaltables.pipelines.cli import EXIT_OK, EXIT_SOME_FAILED, main
from goaltables.pipelines.discover import Filters, discover
from tests.conftest import FIXTURES, SAMPLE_000, SAMPLE_004


class _WindowsName(zipfile.ZipInfo):
    """A member whose name is stored as given bytes, without the UTF-8 flag (as Windows does)."""

    def __init__(self, raw: bytes) -> None:
        super().__init__(raw.decode("cp437"), date_time=(2024, 1, 2, 3, 4, 6))
        self.compress_type = zipfile.ZIP_DEFLATED

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        return self.filename.encode("cp437"), self.flag_bits & ~0x800


def windows_zip(members: dict[bytes | str, bytes]) -> bytes:
    """A zip with the given members; bytes names are written raw with the UTF-8 flag off."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            info = _WindowsName(name) if isinstance(name, bytes) else zipfile.ZipInfo(name, (2024, 1, 2, 3, 4, 6))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    return buffer.getvalue()


GBK_DIR = "财政局/".encode("gbk")
GBK_DOCX = GBK_DIR + "项目绩效目标表.docx".encode("gbk")
GBK_TXT = GBK_DIR + "整体支出.txt".encode("gbk")
BOMB = b"\0" * (3 << 20)  # 3 MB of zeros packs to a few KB: a ratio far over 200


def _extract(*args: object) -> int:
    return main(["extract", *map(str, args), "--quiet"])


def _documents(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents").set_index("source_path")


def _manifest(out: Path) -> dict:
    return json.loads((out / "_manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def archive_folder(tmp_path: Path) -> Path:
    """A folder with a Windows zip (GBK names, a nested zip, a bomb, junk) beside a plain file."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / SAMPLE_004.name).write_bytes(SAMPLE_004.read_bytes())
    inner = windows_zip({"内层/".encode("gbk") + "表.txt".encode("gbk"): SAMPLE_000.read_bytes(),
                         b"deeper.zip": windows_zip({b"x.txt": SAMPLE_004.read_bytes()})})
    (folder / "2024.zip").write_bytes(windows_zip({
        GBK_DOCX: (FIXTURES / "docx" / "000.docx").read_bytes(),
        GBK_TXT: SAMPLE_004.read_text(encoding="utf-8").encode("gb18030"),
        b"copy.txt": SAMPLE_004.read_bytes(),
        b"bomb.txt": BOMB,
        "inner.zip": inner,
        "__MACOSX/._x.docx": b"\0\5\26\7",
        b"~$lock.docx": b"lock",
        ".hidden/a.txt": SAMPLE_000.read_bytes(),
    }))
    (folder / "broken.zip").write_bytes(b"PK\3\4 not really a zip")
    return folder


def test_zip_members_are_read_in_place_with_gbk_names_and_a_nested_zip(archive_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _extract(archive_folder, "--out", out) == EXIT_SOME_FAILED
    docs = _documents(out)
    assert sorted(docs.index) == sorted([
        "004_48fcdb4031b524de.txt",
        "2024.zip!/bomb.txt",
        "2024.zip!/inner.zip!/deeper.zip",
        "2024.zip!/inner.zip!/内层/表.txt",
        "2024.zip!/财政局/整体支出.txt",
        "2024.zip!/财政局/项目绩效目标表.docx",
        "broken.zip",
    ])
    assert docs.loc["2024.zip!/财政局/项目绩效目标表.docx", "status"] == "ok"
    assert docs.loc["2024.zip!/inner.zip!/内层/表.txt", "n_indicators"] == 28
    assert docs.loc["2024.zip!/财政局/项目绩效目标表.docx", "source_path_raw"] == b"2024.zip!/" + GBK_DOCX
    assert docs.loc["2024.zip!/财政局/整体支出.txt", "encoding"] == "gb18030"
    assert docs.loc["2024.zip!/bomb.txt", "size_bytes"] == len(BOMB)
    # the same bytes inside a zip and beside it are one document, as for folders
    assert docs.loc["004_48fcdb4031b524de.txt", "duplicate_paths"].tolist() == ["2024.zip!/copy.txt"]


def test_a_bomb_member_fails_alone_with_one_sentence(archive_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _extract(archive_folder, "--out", out)
    docs = _documents(out)
    failed = docs[docs.status == "failed"].error.to_dict()
    assert set(failed) == {"2024.zip!/bomb.txt", "2024.zip!/inner.zip!/deeper.zip", "broken.zip"}
    assert failed["2024.zip!/bomb.txt"].startswith("zip bomb: archive member bomb.txt unpacks")
    assert "--max-zip-ratio 200" in failed["2024.zip!/bomb.txt"]
    assert failed["2024.zip!/inner.zip!/deeper.zip"].startswith("a zip archive inside a zip inside a zip")
    assert failed["broken.zip"].startswith("corrupt zip archive")
    findings = pd.read_parquet(out / "findings")
    bomb_id = docs.loc["2024.zip!/bomb.txt", "doc_id"]
    assert findings[findings.doc_id == bomb_id].code.tolist() == ["limit_exceeded"]


def test_junk_inside_zips_is_skipped_with_its_reason(archive_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _extract(archive_folder, "--out", out)
    skipped = {s["path"]: s["reason"] for s in _manifest(out)["skipped"]}
    assert skipped == {
        "2024.zip!/__MACOSX": "macOS resource-fork folder (__MACOSX) inside a zip archive",
        "2024.zip!/~$lock.docx": "Office lock file (~$…) of a document that was open in Word or Excel",
        "2024.zip!/.hidden": "hidden file or folder (name starts with a dot)",
    }


def test_a_higher_zip_ratio_limit_lets_the_bomb_through(archive_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _extract(archive_folder, "--out", out, "--max-zip-ratio", "100000")
    assert _documents(out).loc["2024.zip!/bomb.txt", "error"].startswith("binary file")


def test_include_and_exclude_match_source_paths_inside_archives_too(archive_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = _extract(archive_folder, "--out", out, "--include", "*.TXT", "--exclude", "*/inner.zip")
    assert code == EXIT_SOME_FAILED  # the bomb is a .txt
    assert sorted(_documents(out).index) == ["004_48fcdb4031b524de.txt", "2024.zip!/bomb.txt",
                                             "2024.zip!/财政局/整体支出.txt", "broken.zip"]
    skipped = {s["path"]: s["reason"] for s in _manifest(out)["skipped"]}
    assert skipped["2024.zip!/inner.zip"] == "matches --exclude */inner.zip"
    assert skipped["2024.zip!/财政局/项目绩效目标表.docx"] == "matches no --include pattern"
    assert _extract(archive_folder, "--out", out, "--exclude", "*.zip") == EXIT_OK


def test_an_office_package_saved_as_zip_is_read_as_the_document(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "表.zip").write_bytes((FIXTURES / "docx" / "004.docx").read_bytes())
    out = tmp_path / "out"
    assert _extract(tmp_path / "in", "--out", out) == EXIT_OK
    assert _documents(out).loc["表.zip", "file_format"] == "docx"


def test_names_without_the_utf8_flag_decode_as_gbk_and_fall_back_losslessly() -> None:
    assert decode_name("预算.docx".encode("gbk")) == ("预算.docx", False)
    assert decode_name(b"plain.docx") == ("plain.docx", True)
    assert decode_name(b"\xff\xfe.txt") == ("\\xff\\xfe.txt", False)
    assert decode_name("表".encode("utf-8") + b".txt") == ("表.txt", False)  # macOS zips: UTF-8, no flag


def test_discovery_of_a_zip_named_on_the_command_line(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    archive.write_bytes(windows_zip({GBK_TXT: SAMPLE_004.read_bytes(), b"b/c.txt": b"x"}))
    found = discover([archive], filters=Filters(exclude=("*/b/*",)))
    assert [(i.source_path, i.member) for i in found.inputs] == [("a.zip!/财政局/整体支出.txt", (0,))]
    assert [s.source_path for s in found.skipped] == ["a.zip!/b/c.txt"]
