"""The clause catalogue: complete against the seed page, consistent with schemas, faults and suites."""
import ast
from pathlib import Path

import pytest

from sora_conformance.catalogue import CatalogueError, load_catalogue, parse_catalogue
from sora_conformance.contract.schemas import schema_names

ROOT = Path(__file__).resolve().parents[2]

# Every statement of the seed page (LEGACY_RECORDING_TO_RECORDING), in page order, and its clauses.
SEED_STATEMENTS = [
    ("レガシー録画機能は 2025 年 12 月リリースの Sora にて廃止しました", ["MIG-LEGACY-REMOVED"]),
    ("Sora 2023.2.0 から新しくセッション単位の録画機能を追加", ["MIG-SINCE-2023-2"]),
    ("sora.conf にて legacy_recording を true にすることでレガシー録画機能を有効にできます", ["CONF-LEGACY-ENABLE"]),
    ("レガシー録画機能では 20161101.StartRecording API を利用することで、セッションが存在しない状態でも録画を開始",
     ["LEGACY-START-WITHOUT-SESSION"]),
    ("新しい録画機能ではセッションが生成される前に録画を開始することはできません", ["REC-START-NO-SESSION"]),
    ('session.created の戻り値に "recording": true を指定することで、セッション生成と同時に録画を開始',
     ["REC-START-ON-CREATE"]),
    ("一度録画を開始したら録画の期限が来るか、 StopRecording API を実行するまでは録画が続いて", ["LEGACY-PERSIST"]),
    ("セッションが破棄されたタイミングで録画も終了する", ["REC-STOP-ON-DESTROY", "REC-NO-CROSS-SESSION"]),
    ("20161101.StartRecording API と 20161101.StopRecording API はバージョンを 20231220 に変更",
     ["API-START-RENAMED", "API-STOP-RENAMED"]),
    ("GetStartedRecording API は GetSession API を利用してください", ["API-GETSESSION-REPLACES"]),
    ("ListStartedRecording API は ListSessions API を利用してください", ["API-LISTSESSIONS-REPLACES"]),
    ("ListArchiving API には代わりの API がありません", ["API-LISTARCHIVING-NONE"]),
    ("録画を開始するための API を実行する必要はありません", ["REC-START-ON-CREATE"]),
    ("録画を終了するための API を実行する必要はありません", ["REC-STOP-ON-DESTROY"]),
    ("expire_time で指定した時間よりも先にセッションが破棄された場合は、その時点で録画を終了", ["EXPIRE-BEFORE-DESTROY"]),
    ("レガシー録画では StartRecording API の expire_time は必須でした", ["LEGACY-EXPIRE-REQUIRED"]),
    ("新しい録画では expire_time はオプションに変更", ["EXPIRE-OPTIONAL"]),
    ("expire_time を指定しない場合は未定義になります。ウェブフックなどでは項目が含まれなくなります",
     ["EXPIRE-ABSENT-WHEN-UNSET"]),
    ("expire_time 未定義の場合は 0 が入っていました", ["LEGACY-EXPIRE-REQUIRED"]),
    ("expire_time が未指定の場合は、 expired_at も項目として含まれなくなります", ["EXPIRED-AT-ABSENT-WHEN-UNSET"]),
    ("expire_time に 0 は指定できなくなり、0 より大きい値のみ指定可能", ["EXPIRE-POSITIVE"]),
    ("分割録画ファイルのみ出力を行う場合でも expire_time が指定できるようになりました", ["EXPIRE-WITH-SPLIT-ONLY"]),
    ("新しい録画機能ではセッションウェブフックを利用します", ["WH-REC-SESSION-WEBHOOK", "LEGACY-EVENT-WEBHOOK"]),
    ("session_id を追加しています", ["WH-REC-SESSION-ID"]),
    ("session_metadata を追加しています", ["WH-REC-SESSION-METADATA"]),
    ("録画メタデータが指定された場合、 recording_metadata を追加しています", ["WH-REC-RECORDING-METADATA"]),
    ("metadata を recording_metadata に変更しています", ["WH-REC-NO-METADATA"]),
    ("イベントウェブフック固有の log_written を削除しています", ["WH-REC-NO-LOG-WRITTEN"]),
    ("それ以外は同じです", ["WH-REC-REST-UNCHANGED"]),
    ("archive.* については、変更はありません", ["WH-ARCHIVE-UNCHANGED"]),
    ("report-<recording_id>.json ファイルの metadata を recording_metadata に変更",
     ["FILE-REPORT-RECORDING-METADATA", "FILE-REPORT-NO-METADATA"]),
    ('認証成功時に "recording_block": true を払い出すことで、その接続の録画をブロック', ["BLOCK-AUTH"]),
    ("この機能は新しい録画機能だけで利用できます", ["BLOCK-SESSION-ONLY"]),
    ("異なるチャネルであれば同時に利用できます", ["MIXED-CHANNELS"]),
]


def suite_clauses() -> dict[str, list[str]]:
    """clause id -> tests tagged with it, read from the suite sources (no import, no emulator)."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "suites").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                for deco in node.decorator_list:
                    if isinstance(deco, ast.Call) and getattr(deco.func, "attr", "") == "clause":
                        for arg in deco.args:
                            found.setdefault(arg.value, []).append(f"{path.name}::{node.name}")
    return found


def test_catalogue_loads_with_unique_ids():
    catalogue = load_catalogue()
    assert len(catalogue.ids()) == len(set(catalogue.ids())) > 40


@pytest.mark.parametrize("statement, clauses", SEED_STATEMENTS, ids=[c[0] for _, c in SEED_STATEMENTS])
def test_every_seed_statement_maps_to_a_clause(statement, clauses):
    catalogue = load_catalogue()
    seed = (ROOT.parent / "shared" / "reference" / "LEGACY_RECORDING_TO_RECORDING.ja.txt")
    if seed.exists():
        text = "".join(seed.read_text(encoding="utf-8").split())
        assert "".join(statement.split()) in text, f"not on the seed page: {statement}"
    for clause in clauses:
        assert catalogue.get(clause).evidence in ("seed", "sdk")  # sdk: the seed's words, SDK's field list


def test_every_must_clause_has_coverage():
    uncovered = [c.id for c in load_catalogue() if c.level == "must" and not c.coverage]
    assert not uncovered


def test_every_scenario_clause_has_a_tagged_test():
    tagged = suite_clauses()
    missing = [c.id for c in load_catalogue() if "scenario" in c.coverage and c.id not in tagged]
    assert not missing, f"clauses promising a scenario but with no test: {missing}"


def test_every_suite_tag_names_a_catalogue_clause():
    unknown = sorted(set(suite_clauses()) - set(load_catalogue().ids()))
    assert not unknown


def test_every_schema_coverage_names_an_existing_schema():
    names = set(schema_names())
    wrong = [(c.id, item) for c in load_catalogue() for item in c.coverage
             if item.startswith("schema:") and item[len("schema:"):] not in names]
    assert not wrong


def test_a_malformed_catalogue_entry_is_named():
    with pytest.raises(CatalogueError, match="clauses/0"):
        parse_catalogue("clauses:\n  - id: X-1\n    level: maybe\n", "bad.yaml")


def test_a_duplicate_clause_id_is_refused():
    entry = ("  - {id: A-B, level: must, area: a, statement: something long enough, source: s, evidence: seed, "
             "coverage: [scenario]}\n")
    with pytest.raises(CatalogueError, match="twice"):
        parse_catalogue("clauses:\n" + entry + entry, "dup.yaml")


@pytest.mark.parametrize("clause", ["EXPIRE-RANGE", "META-OBJECT", "SPLIT-DURATION-RANGE", "BLOCK-AUTH-UNREPORTED"])
def test_what_the_docs_leave_unsaid_is_inferred_and_never_fails_a_run(clause):
    """The docs say what to send, not that anything else is refused; the seed says only that no files are written."""
    found = load_catalogue().get(clause)
    assert found.evidence == "inferred" and found.enforced_level != "must"


def test_block_auth_is_must_for_files_only():
    statement = load_catalogue().get("BLOCK-AUTH").statement
    assert "files" in statement and "archive webhooks" not in statement and "report" not in statement


def test_api_error_type_cites_the_devtools_commit_that_read_it():
    assert "a9b9cf99" in load_catalogue().get("API-ERROR-TYPE").source
