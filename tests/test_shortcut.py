"""The republish shortcut: a hit writes nothing, and it never skips a publish that would write."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher import shortcut, state
from publisher.cli import main
from publisher.inputs import Snapshot, site_head
from publisher.publish import Report

MAIN = """\
[site]
title = "Night & Day"
base_url = "https://tv.example.org/"
timezone = "Europe/Berlin"
past = "1 week"
future = "2 weeks"
feed_items = 5
include = ["shows/*.toml"]

[[channels]]
id = "one"
name = "Channel One"

[[shows]]
id = "night"
title = "Night Owls"
channel = "one"
duration = "30 minutes"

[[shows.airs]]
rule = "daily at 02:30"
from = 2026-03-01
"""

EVE = """\
[[shows]]
id = "eve"
title = "Evening Talk"
timezone = "Asia/Shanghai"
duration = "30 minutes"
episodes_file = "eve.csv"

[[shows.airs]]
rule = "every Wednesday and Saturday at 6 PM"
from = 2026-03-04
"""

EXTRA = """\
[[shows]]
id = "late"
title = "Late Extra"
duration = "1 hour"

[[shows.airs]]
rule = "weekends at 23:00"
from = 2026-03-01
"""

CSV = (
    "number,title\n1,Opening\n2,Second\n3,Third\n4,Fourth\n5,Fifth\n6,Sixth\n7,Seventh\n8,Eighth\n"
)

# Around the spring-forward night in Berlin (29 March 2026, 02:00 CET -> 03:00 CEST):
# just before and at airing starts and ends, site-zone midnights, the gap itself.
MOMENTS = (
    "2026-03-27T12:00:00Z",
    "2026-03-27T22:59:59Z",  # a second before midnight in Berlin
    "2026-03-27T23:00:00Z",  # midnight: the window and the index's week move
    "2026-03-28T01:29:59Z",
    "2026-03-28T01:30:00Z",  # Night Owls starts (02:30 CET)
    "2026-03-28T01:59:59Z",
    "2026-03-28T02:00:00Z",  # ... and ends
    "2026-03-28T09:59:59Z",
    "2026-03-28T10:00:00Z",  # Evening Talk starts (18:00 Shanghai)
    "2026-03-28T10:30:00Z",  # ... and ends
    "2026-03-28T22:59:59Z",
    "2026-03-28T23:00:00Z",  # midnight before the change of clocks
    "2026-03-29T01:00:00Z",  # 02:00 CET becomes 03:00 CEST
    "2026-03-29T01:29:59Z",
    "2026-03-29T01:30:00Z",  # Night Owls at 02:30, read as 03:30 CEST
    "2026-03-29T02:00:00Z",
    "2026-03-29T21:59:59Z",
    "2026-03-29T22:00:00Z",  # midnight, now CEST
)


@pytest.fixture(autouse=True)
def _no_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a publish record its recipe although the test wrote the config a moment ago."""
    monkeypatch.setattr(shortcut, "GUARD_NS", 0)
    monkeypatch.delenv(shortcut.DISABLE_ENV, raising=False)
    monkeypatch.delenv("AIRDATES_NOW", raising=False)


def _write_site(folder: Path) -> Path:
    """Write the test network into ``folder``; return its config."""
    (folder / "shows").mkdir(parents=True, exist_ok=True)
    (folder / "shows" / "eve.toml").write_text(EVE)
    (folder / "shows" / "eve.csv").write_text(CSV)
    config = folder / "airdates.toml"
    config.write_text(MAIN)
    return config


def _publish(config: Path, now: str, *extra: str) -> str:
    """Run ``airdates publish`` in-process; return its stdout."""
    out, err = _Capture(), _Capture()
    code = main(["publish", "-c", str(config), "--now", now, *extra], stdout=out, stderr=err)
    assert code == 0, err.text
    return out.text


class _Capture:
    """A text stream that keeps what is written to it."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        """Nothing to flush."""


def _hit(config: Path, now: str, output: str | None = None) -> shortcut.Hit | None:
    return shortcut.republish(str(config), output=output, now=now, dry_run=False)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _identities(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _tables(config: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(config.parent / ".airdates" / "state.sqlite") as db:
        return {
            table: sorted(db.execute(f"SELECT * FROM {table}").fetchall())  # noqa: S608
            for table in ("airings", "changes", "manifest", "pings", "inputs")
        }


def _publishes(config: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(config.parent / ".airdates" / "state.sqlite") as db:
        return db.execute(
            "SELECT at, written, files, next_change FROM publishes ORDER BY id"
        ).fetchall()


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """Return the config of a network published once at the first moment."""
    config = _write_site(tmp_path)
    _publish(config, MOMENTS[0])
    return config


def test_the_schema_version_is_the_state_modules() -> None:
    """The shortcut reads the schema publisher/state.py writes."""
    assert shortcut._SCHEMA_VERSION == state.SCHEMA_VERSION  # noqa: SLF001 - the constant is the subject


def test_republish_writes_nothing_and_records_only_a_publish(published: Path) -> None:
    """A hit touches no file, changes no table but ``publishes``, and prints the usual summary."""
    public = published.parent / "public"
    before, tables, records = _identities(public), _tables(published), _publishes(published)
    summary = _publish(published, MOMENTS[1])
    assert _identities(public) == before
    assert _tables(published) == tables
    after = _publishes(published)
    assert after[:-1] == records
    assert after[-1][1:] == (0, records[-1][2], records[-1][3])
    assert after[-1][0] == "2026-03-27T22:59:59+00:00"
    files = len(before)
    assert summary.splitlines()[-1].startswith(f"{files} files: 0 written, {files} unchanged;")


def test_the_summary_is_the_full_publishs(published: Path) -> None:
    """The hit's summary is the one a full publish that wrote nothing prints, dry run or not."""
    for dry_run in (False, True):
        hit = shortcut.republish(str(published), output=None, now=MOMENTS[1], dry_run=dry_run)
        assert hit is not None
        report = Report(
            files=hit.files, written=(), deleted=(), airings=hit.airings, dry_run=dry_run
        )
        assert hit.summary() == report.summary()


def test_dry_run_says_nothing_would_change_and_records_nothing(published: Path) -> None:
    """``--dry-run`` answered by the shortcut says so and leaves the state alone."""
    records = _publishes(published)
    out = _publish(published, MOMENTS[1], "--dry-run")
    assert out.startswith("nothing would change")
    assert out.rstrip().endswith("(dry run)")
    assert _publishes(published) == records


def test_a_hit_holds_until_the_next_change_and_not_at_it(published: Path) -> None:
    """Just before the recorded next change the shortcut answers; at it, the full publish runs."""
    assert _publishes(published)[-1][3] == "2026-03-27T23:00:00+00:00"
    assert _hit(published, "2026-03-27T22:59:59.999999Z") is not None
    assert _hit(published, "2026-03-27T23:00:00Z") is None


def test_time_going_backwards_publishes_in_full(published: Path) -> None:
    """A ``now`` before the last publish's is no hit."""
    assert _hit(published, "2026-03-27T11:59:59Z") is None


@pytest.mark.parametrize("value", ["1", "yes"])
def test_the_switch_turns_it_off(
    published: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """``AIRDATES_NO_SHORTCUT`` set to anything but 0 turns the shortcut off."""
    monkeypatch.setenv(shortcut.DISABLE_ENV, value)
    assert _hit(published, MOMENTS[1]) is None


def test_no_state_no_hit(tmp_path: Path) -> None:
    """Before the first publish there is nothing to vouch for the files, and nothing is created."""
    config = _write_site(tmp_path)
    assert _hit(config, MOMENTS[0]) is None
    assert not (tmp_path / ".airdates").exists()


def test_another_output_folder_publishes_in_full(published: Path, tmp_path: Path) -> None:
    """``--output`` naming another folder is no hit."""
    assert _hit(published, MOMENTS[1], output=str(tmp_path / "elsewhere")) is None
    assert _hit(published, MOMENTS[1], output=str(published.parent / "public")) is not None


def test_deleted_or_edited_output_publishes_in_full(published: Path) -> None:
    """An output file deleted or edited behind airdates' back is repaired by a full publish."""
    public = published.parent / "public"
    (public / "index.html").unlink()
    assert _hit(published, MOMENTS[1]) is None
    _publish(published, MOMENTS[1])
    assert _hit(published, MOMENTS[1]) is not None
    with (public / "night.rss").open("ab") as file:
        file.write(b" ")
    assert _hit(published, MOMENTS[1]) is None


def test_a_killed_publishs_claim_publishes_in_full(published: Path) -> None:
    """A manifest row written before its file (a publish killed mid-way) is no hit."""
    with sqlite3.connect(published.parent / ".airdates" / "state.sqlite") as db:
        db.execute(
            "INSERT INTO manifest VALUES (?, 'new.ics', '', -1, -1, -1)",
            (str(published.parent / "public"),),
        )
    assert _hit(published, MOMENTS[1]) is None


def test_a_pending_hub_notification_publishes_in_full(published: Path) -> None:
    """A WebSub ping still owed is retried by the full path."""
    with sqlite3.connect(published.parent / ".airdates" / "state.sqlite") as db:
        db.execute("INSERT INTO pings (url, since) VALUES ('https://tv.example.org/all.rss', 'x')")
    assert _hit(published, MOMENTS[1]) is None


def test_a_held_lock_publishes_in_full(published: Path) -> None:
    """While another publish holds the lock the shortcut does not read the state."""
    fd = os.open(published.parent / ".airdates" / "lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert _hit(published, MOMENTS[1]) is None
    finally:
        os.close(fd)
    assert _hit(published, MOMENTS[1]) is not None


@pytest.mark.parametrize(
    ("name", "edit"),
    [
        (
            "config edited",
            lambda f: (f / "airdates.toml").write_text(MAIN.replace("Night Owls", "Owls")),
        ),
        (
            "included file edited",
            lambda f: (f / "shows" / "eve.toml").write_text(EVE + "\n# note\n"),
        ),
        ("included file appears", lambda f: (f / "shows" / "late.toml").write_text(EXTRA)),
        ("included file goes", lambda f: (f / "shows" / "eve.toml").unlink()),
        (
            "episodes file edited",
            lambda f: (f / "shows" / "eve.csv").write_text(CSV.replace("Third", "3")),
        ),
    ],
)
def test_an_input_change_publishes_in_full(published: Path, name: str, edit: object) -> None:
    """Any change to the bytes or the set of input files is no hit."""
    del name
    edit(published.parent)  # type: ignore[operator]
    assert _hit(published, MOMENTS[1]) is None


def test_a_touched_but_identical_config_still_hits(published: Path) -> None:
    """A new mtime on the same bytes changes nothing."""
    os.utime(published, ns=(1, 1))
    assert _hit(published, MOMENTS[1]) is not None


def test_new_airdates_code_publishes_in_full(
    published: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another airdates (or library) release is no hit."""
    monkeypatch.setattr(shortcut, "code_stamp", lambda: "another release")
    assert _hit(published, MOMENTS[1]) is None


def test_a_state_folder_set_in_the_config_is_found(tmp_path: Path) -> None:
    """``state`` in ``[site]`` is read without parsing the whole config."""
    config = _write_site(tmp_path)
    config.write_text(MAIN.replace("[site]\n", '[site]\nstate = "var/state"\n'))
    _publish(config, MOMENTS[0])
    assert (tmp_path / "var" / "state" / "state.sqlite").is_file()
    assert _hit(config, MOMENTS[1]) is not None


@pytest.mark.parametrize("name", ["radio #1", "what?", "50%25", "caf\udce9"])
def test_a_folder_name_a_uri_would_misread_still_hits(tmp_path: Path, name: str) -> None:
    """The state is found in a folder named with "#", "?", "%" or bytes that are not UTF-8.

    Opened by a URI, such a path used to name another file (SQLite cuts a
    URI at "?" and "#" and decodes "%"), which read-write modes created
    beside the folder.
    """
    folder = tmp_path / name
    folder.mkdir()
    config = _write_site(folder)
    _publish(config, MOMENTS[0])
    assert _hit(config, MOMENTS[1]) is not None
    out = _publish(config, MOMENTS[1], "--dry-run")
    assert out.startswith("nothing would change")
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_an_input_changed_while_it_was_read_leaves_no_recipe(tmp_path: Path) -> None:
    """A config edited between the snapshot and the end of the publish records no recipe."""
    config = _write_site(tmp_path)
    snapshot = Snapshot(str(config))
    _publish(config, MOMENTS[0])
    from schedule.loading import load_site  # noqa: PLC0415

    site, _ = load_site(str(config))
    assert snapshot.pin(site, str(tmp_path / "public")) is not None
    config.write_text(MAIN + "\n# edited\n")
    assert snapshot.pin(site, str(tmp_path / "public")) is None


def test_a_file_touched_after_the_snapshot_leaves_no_recipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An input whose ctime is after the snapshot may not be what was read: no recipe.

    The fingerprint recorded is then of the bytes as they are.
    """
    config = _write_site(tmp_path)
    from schedule.loading import load_site  # noqa: PLC0415

    site, _ = load_site(str(config))
    settled = Snapshot(str(config)).pin(site, str(tmp_path / "public"))
    assert settled is not None
    assert settled[1] is not None
    monkeypatch.setattr(shortcut, "GUARD_NS", 2_000_000_000)
    assert Snapshot(str(config)).pin(site, str(tmp_path / "public")) == (settled[0], None)


def test_the_site_head_is_read_exactly_or_not_at_all() -> None:
    """The quick ``[site]`` read gives up on layouts a line scan cannot follow."""
    head = site_head
    plain = b'include = ["a/*.toml"]\n[site]\nstate = "s"\n[[shows]]\nid = "x"\n'
    assert head(plain) == {"include": ["a/*.toml"], "site": {"state": "s"}}
    # A header-like line inside a multi-line string cuts it short: unterminated, so no answer.
    assert head(b'[site]\ndescription = """\n[x]\n"""\nstate = "s"\n') is None
    # Two tables that look like [site], or site twice: no answer.
    assert head(b'[site]\nstate = "a"\n[[shows]]\nd = """\n[site]\n"""\n') is None
    assert head(b'site.state = "a"\n[site]\ntitle = "t"\n') is None
    # An include key outside the part read: no answer.
    assert head(b'[site]\ntitle = "t"\n[[shows]]\ninclude = ["x"]\n') is None


# --- the property: with and without the shortcut, the same files -------------------------


EDITS = {
    "touch config": lambda f: os.utime(f / "airdates.toml"),
    "edit episodes": lambda f: (f / "shows" / "eve.csv").write_text(CSV.replace("Fourth", "Four")),
    "include appears": lambda f: (f / "shows" / "late.toml").write_text(EXTRA),
    "retitle": lambda f: (f / "airdates.toml").write_text(
        MAIN.replace("Night Owls", "Owls at Night")
    ),
    "delete output": lambda f: (f / "public" / "index.html").unlink(missing_ok=True),
}


class _Twins:
    """The same network published twice over: with the shortcut and with it switched off."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.fast = _write_site(root / "fast").parent
        self.slow = _write_site(root / "slow").parent
        self.monkeypatch = monkeypatch
        self.hits = 0

    def run(self, now: str) -> None:
        """Publish both at ``now``; assert their output folders hold the same bytes."""
        with self.monkeypatch.context() as patch:
            patch.setenv(shortcut.DISABLE_ENV, "1")
            _publish(self.slow / "airdates.toml", now)
        self.hits += (
            shortcut.republish(str(self.fast / "airdates.toml"), output=None, now=now, dry_run=True)
            is not None
        )
        _publish(self.fast / "airdates.toml", now)
        assert _files(self.fast / "public") == _files(self.slow / "public"), now

    def edit(self, name: str) -> None:
        """Make the same edit to both."""
        for folder in (self.fast, self.slow):
            EDITS[name](folder)


@pytest.fixture
def twins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> _Twins:
    """Return a fresh pair of publishing folders."""
    return _Twins(tmp_path, monkeypatch)


def test_the_shortcut_changes_no_byte_through_a_scripted_weekend(twins: _Twins) -> None:
    """Through airing starts and ends, midnights, a change of clocks and edits, the files match."""
    edits_after = {1: "touch config", 4: "edit episodes", 7: "include appears", 11: "retitle"}
    for step, now in enumerate(MOMENTS):
        twins.run(now)
        twins.run(now)  # the same moment again: the shortcut's case
        if step in edits_after:
            twins.edit(edits_after[step])
    twins.edit("delete output")
    twins.run(MOMENTS[-1])
    assert twins.hits >= len(MOMENTS)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.one_of(st.sampled_from(MOMENTS), st.sampled_from(sorted(EDITS))), min_size=2, max_size=6
    )
)
def test_the_shortcut_changes_no_byte_in_any_order(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, steps: list[str]
) -> None:
    """Any sequence of moments (time may even go back) and edits gives the same files either way."""
    twins = _Twins(tmp_path_factory.mktemp("twins"), monkeypatch)
    twins.run(MOMENTS[0])
    for step in steps:
        if step in EDITS:
            twins.edit(step)
        else:
            twins.run(step)
    twins.run(MOMENTS[-1])


def test_config_text_for_the_example_is_pinned() -> None:
    """The bundled example's config is read well enough to record a recipe."""
    example = Path(__file__).parent.parent / "examples" / "lets-meet" / "airdates.toml"
    head = site_head(example.read_bytes())
    assert head is not None
    assert head["site"]["title"]


def test_the_turn_of_the_utc_year_changes_no_byte(twins: _Twins) -> None:
    """A site in Shanghai, a show with nothing in its window: 04:00 and 09:00 on 1 January.

    The UTC year turns between the two (at 08:00 there) while the site's day
    does not; a full publish and the shortcut must agree that nothing changed.
    """
    later = '\n[[shows]]\nid = "later"\ntitle = "Later"\nduration = "1 hour"\n'
    later += '\n[[shows.airs]]\nrule = "daily at 12:00"\nfrom = 2030-01-01\n'
    for folder in (twins.fast, twins.slow):
        config = MAIN.replace('timezone = "Europe/Berlin"', 'timezone = "Asia/Shanghai"')
        (folder / "airdates.toml").write_text(config + later)
    twins.run("2026-12-31T20:00:00Z")
    twins.run("2026-12-31T20:00:00Z")  # records the shortcut's recipe
    hits = twins.hits
    twins.run("2027-01-01T01:00:00Z")
    assert twins.hits == hits + 1


# New York falls back at 02:00 EDT on 1 November 2026: 01:00-02:00 comes twice, first
# EDT (05:00-06:00Z), then EST (06:00-07:00Z). Python compares two times of one zone
# by their wall clocks: 01:20 EST (06:20Z) came before 01:30 EDT (05:30Z).
FALL_BACK = """\
[site]
title = "Net"
base_url = "https://feeds.example.org/n/"
timezone = "America/New_York"

[[channels]]
id = "one"
name = "One"

[[shows]]
id = "night"
title = "Night"
channel = "one"
duration = "45 minutes"

[[shows.airs]]
rule = "every Sunday at 00:50"
from = 2026-10-01
duration = "90 minutes"

[[shows.airs]]
rule = "every Sunday at 01:30"
from = 2026-10-01
"""


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("2026-11-01T04:55:00Z", "2026-11-01T05:35:00Z"),
        ("2026-11-01T00:55", "2026-11-01T01:35"),  # the site's wall clock, its first pass
    ],
)
def test_an_airing_starting_in_a_fall_back_nights_repeated_hour_is_published(
    tmp_path: Path, before: str, after: str
) -> None:
    """The 00:50 airing ends at 01:20 EST; the 01:30 EDT one starts 50 minutes before that.

    The next change was taken to be 01:20 EST, so the publish at 01:35 EDT wrote
    nothing and the 01:30 episode reached the feeds only after it had ended.
    """
    config = tmp_path / "airdates.toml"
    config.write_text(FALL_BACK)
    _publish(config, before)
    _publish(config, after)
    guids = [item.findtext("guid") for item in _rss_items(tmp_path / "public" / "night.rss")]
    assert guids[0].endswith("night/20261101T053000Z"), guids


def test_on_now_in_a_fall_back_nights_repeated_hour(tmp_path: Path) -> None:
    """At 01:40 EDT (naive --now, the first pass) the 01:30 airing, until 01:15 EST, is on."""
    config = tmp_path / "airdates.toml"
    config.write_text(FALL_BACK.replace("every Sunday at 00:50", "every Sunday at 22:00"))
    _publish(config, "2026-11-01T01:40")
    index = (tmp_path / "public" / "index.html").read_text()
    assert 'On now: <time datetime="2026-11-01T01:30:00-04:00">' in index


def _rss_items(path: Path) -> list:
    from lxml import etree  # noqa: PLC0415

    return etree.parse(str(path)).findall("channel/item")
