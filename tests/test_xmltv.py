"""The XMLTV guide: validity, times, order, numbering, escaping, golden bytes."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from feeds.edition import Edition
from feeds.registry import renderer
from feeds.xmltv import render_xmltv
from publisher.cli import main
from schedule.airing import Airing
from schedule.site import Channel, Segment, Show, Site
from tests.factories import SHANGHAI, lets_meet_173, make_airing, make_edition, make_show, make_site
from tests.golden import assert_golden
from tests.hostile import HOSTILE, expected

GOLDEN = Path(__file__).parent / "golden" / "xmltv"
NOW = datetime(2026, 1, 2, 12, 0, tzinfo=SHANGHAI)
DTD_CANDIDATES = (Path("/usr/share/xmltv/xmltv.dtd"), Path("/usr/local/share/xmltv/xmltv.dtd"))


def _dtd_path() -> Path | None:
    """Return the XMLTV DTD that xmltv-util installs, if it is there."""
    return next((path for path in DTD_CANDIDATES if path.is_file()), None)


def _guide(site: Site, airings: tuple[Airing, ...]) -> etree._Element:
    """Render the network guide for ``airings`` and parse it back."""
    return etree.fromstring(render_xmltv(make_edition(site, airings, NOW)))


def _programmes(root: etree._Element) -> list[etree._Element]:
    return root.findall("programme")


def _two_channel_site() -> tuple[Site, Show, Show]:
    """A site with two channels and a show on each."""
    news = make_show(
        id="news",
        title="Evening News",
        channel="cqtv-news",
        categories=("News",),
        link=None,
        also_on=(),
        description="The day in Chongqing.",
    )
    lets_meet = make_show()
    site = make_site(
        channels=(
            Channel(
                id="cqtv",
                name="Chongqing Satellite TV",
                xmltv_id="cqtv.feeds.example.org",
                url="https://cqtv.example.org/",
                icon="https://cqtv.example.org/logo.png",
            ),
            Channel(id="cqtv-news", name="CQTV News", xmltv_id="news.cqtv.example.org"),
        ),
        shows=(lets_meet, news),
    )
    return site, lets_meet, news


def _golden_edition() -> Edition:
    """Build a network with a premiere, rerun, season premiere, cancellation, move, special."""
    site, lets_meet, news = _two_channel_site()
    lets_meet = replace(lets_meet, image="https://cqtv.example.org/lets-meet.png")
    site = replace(site, shows=(lets_meet, news))
    airings = (
        lets_meet_173(lets_meet),
        make_airing(
            lets_meet,
            datetime(2026, 1, 7, 18, 0),
            rerun=True,
            rerun_of=173,
            title="Global Youth Envoys Gather in Chongqing",
        ),
        make_airing(
            lets_meet,
            datetime(2026, 1, 10, 18, 0),
            status="cancelled",
            reason="Pre-empted by a gala",
        ),
        make_airing(
            lets_meet,
            datetime(2026, 1, 15, 20, 0),
            episode=174,
            title="Moved episode",
            moved_from=datetime(2026, 1, 14, 18, 0, tzinfo=SHANGHAI),
        ),
        make_airing(
            news,
            datetime(2026, 1, 3, 19, 0),
            season=2,
            episode=1,
            title="A new season",
            link="https://cqtv.example.org/news/s2e1",
        ),
        make_airing(
            news, datetime(2026, 1, 4, 19, 0), season=2, episode=2, title="Second & last <part>"
        ),
        make_airing(
            news,
            datetime(2026, 1, 1, 20, 0),
            extra=True,
            title="New Year Special",
            end=datetime(2026, 1, 1, 21, 0, tzinfo=SHANGHAI),
        ),
    )
    return make_edition(site, airings, NOW)


def test_guide_is_valid_against_the_xmltv_dtd() -> None:
    """The guide validates against the XMLTV DTD that xmltv-util ships."""
    dtd_path = _dtd_path()
    if dtd_path is None:
        pytest.skip("xmltv-util's xmltv.dtd is not installed (apt install xmltv-util)")
    dtd = etree.DTD(str(dtd_path))
    root = etree.fromstring(render_xmltv(_golden_edition()))
    assert dtd.validate(root), dtd.error_log.filter_from_errors()


def test_guide_declares_the_xmltv_doctype_and_generator() -> None:
    """The guide names xmltv.dtd in its DOCTYPE and airdates as its generator."""
    tree = etree.ElementTree(etree.fromstring(render_xmltv(_golden_edition())))
    assert tree.docinfo.doctype == '<!DOCTYPE tv SYSTEM "xmltv.dtd">'
    assert tree.getroot().get("generator-info-name") == "airdates"


def _tv_validate_file(tmp_path: Path, data: bytes) -> None:
    """Assert that xmltv-util's tv_validate_file reports the guide ``data`` as valid."""
    tool, dtd_path = shutil.which("tv_validate_file"), _dtd_path()
    if tool is None or dtd_path is None:
        pytest.skip("tv_validate_file is not installed (apt install xmltv-util)")
    guide = tmp_path / "xmltv.xml"
    guide.write_bytes(data)
    done = subprocess.run(
        [tool, "--dtd-file", str(dtd_path), str(guide)],  # noqa: S603
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_tv_validate_file_accepts_the_guide(tmp_path: Path) -> None:
    """xmltv-util's tv_validate_file reports the guide as valid."""
    _tv_validate_file(tmp_path, render_xmltv(_golden_edition()))


def test_tv_validate_file_accepts_any_text_a_user_can_type(tmp_path: Path) -> None:
    """A guide whose every text is hostile (C1 controls pasted from Windows-1252 too) is valid."""
    channels, shows, airings = [], [], []
    for n, text in enumerate(HOSTILE.values()):
        channels.append(Channel(id=f"c{n}", name=text, xmltv_id=f"c{n}.feeds.example.org"))
        show = make_show(id=f"s{n}", title=text, categories=(text,), channel=f"c{n}")
        shows.append(show)
        airings.append(make_airing(
            show, datetime(2026, 1, 3, 18, 0), title=text, summary=text,
            segments=(Segment(title=text),),
        ))
    site = make_site(title=HOSTILE["c1_controls"], channels=tuple(channels), shows=tuple(shows))
    _tv_validate_file(tmp_path, render_xmltv(make_edition(site, tuple(airings), NOW)))


@pytest.mark.parametrize(
    ("base_url", "xmltv_id"),
    [  # the IDNA form checked with Node's url.domainToASCII
        ("https://télé.example/", "tv.xn--tl-bjab.example"),
        ("https://my_server.lan/", "tv.my-server.lan"),
        ("https://example.org./", "tv.example.org"),
        ("http://[::1]:8000/", "tv.-1"),
    ],
)
def test_a_default_channel_id_from_any_host_is_valid(
    tmp_path: Path, base_url: str, xmltv_id: str
) -> None:
    """id + "." + a host in another script, with "_", a final dot or colons: still DNS-like."""
    config = tmp_path / "airdates.toml"
    config.write_text(
        f'[site]\ntitle = "T"\nbase_url = "{base_url}"\n'
        '[[channels]]\nid = "tv"\nname = "TV"\n'
        '[[shows]]\nid = "s"\ntitle = "S"\nchannel = "tv"\nduration = "1 hour"\n'
        '[[shows.airs]]\nrule = "daily at 18:00"\nfrom = 2026-01-01\n',
        encoding="utf-8",
    )
    out = tmp_path / "public"
    argv = ["publish", "-c", str(config), "--now", "2026-01-10T00:00", "--output", str(out)]
    assert main(argv) == 0
    guide = (out / "xmltv.xml").read_bytes()
    assert {c.get("id") for c in etree.fromstring(guide).iter("channel")} == {xmltv_id}
    _tv_validate_file(tmp_path, guide)


def test_perl_xmltv_reader_reads_every_programme(tmp_path: Path) -> None:
    """XMLTV.pm (through tv_cat) reads back every programme with its title, times and numbers."""
    tool = shutil.which("tv_cat")
    if tool is None:
        pytest.skip("tv_cat is not installed (apt install xmltv-util)")
    guide = tmp_path / "xmltv.xml"
    guide.write_bytes(render_xmltv(_golden_edition()))
    done = subprocess.run([tool, str(guide)], capture_output=True, timeout=60, check=True)  # noqa: S603
    ours, theirs = etree.fromstring(guide.read_bytes()), etree.fromstring(done.stdout)

    def summary(root: etree._Element) -> list[tuple[str | None, ...]]:
        return [
            (
                p.get("start"),
                p.get("stop"),
                p.get("channel"),
                p.findtext("title"),
                p.findtext("sub-title"),
                *sorted("".join((e.text or "").split()) for e in p.findall("episode-num")),
            )
            for p in _programmes(root)
        ]

    # XMLTV.pm writes xmltv_ns numbers with spaces around the dots ("1 . 0 . "); the same number.
    assert summary(theirs) == summary(ours)
    assert len(_programmes(theirs)) == 6


@pytest.mark.parametrize(
    ("zone", "local", "fold", "stamp"),
    [
        # 02:30 does not exist on spring-forward day: read with the offset before the gap.
        ("America/New_York", datetime(2026, 3, 8, 2, 30), 0, "20260308033000 -0400"),
        # 01:30 happens twice when London falls back: the first is still summer time.
        ("Europe/London", datetime(2026, 10, 25, 1, 30), 0, "20261025013000 +0100"),
        ("Europe/London", datetime(2026, 10, 25, 1, 30), 1, "20261025013000 +0000"),
        # Lord Howe moves by half an hour: +1030 in winter, +1100 in summer.
        ("Australia/Lord_Howe", datetime(2026, 7, 4, 18, 0), 0, "20260704180000 +1030"),
        ("Australia/Lord_Howe", datetime(2026, 1, 3, 18, 0), 0, "20260103180000 +1100"),
        ("Australia/Lord_Howe", datetime(2026, 10, 4, 2, 15), 0, "20261004024500 +1100"),
    ],
)
def test_daylight_saving_edges_show_the_right_offset(
    zone: str, local: datetime, fold: int, stamp: str
) -> None:
    """Start times in gaps and folds come out resolved, with the offset in force at that instant."""
    tz = ZoneInfo(zone)
    show = make_show(timezone=tz)
    airing = make_airing(show, local.replace(tzinfo=tz, fold=fold))
    (programme,) = _programmes(_guide(make_site(shows=(show,)), (airing,)))
    assert programme.get("start") == stamp


def test_a_fall_back_night_is_listed_in_time_order() -> None:
    """Two shows of one channel and one zone: the second 01:15 comes after the first 01:30.

    Aware times in one zone compare by their wall clocks; the guide's order is the instants'.
    """
    london = ZoneInfo("Europe/London")
    early, late = make_show(id="early", timezone=london), make_show(id="late", timezone=london)
    first = make_airing(early, datetime(2026, 10, 25, 1, 30, tzinfo=london, fold=0))
    second = make_airing(late, datetime(2026, 10, 25, 1, 15, tzinfo=london, fold=1))
    site = make_site(shows=(early, late))
    starts = [p.get("start") for p in _programmes(_guide(site, (second, first)))]
    assert starts == ["20261025013000 +0100", "20261025011500 +0000"]


def test_stop_is_always_given_in_the_show_zone() -> None:
    """Every programme has a stop time, in the same zone form as its start."""
    root = etree.fromstring(render_xmltv(_golden_edition()))
    for programme in _programmes(root):
        start = datetime.strptime(programme.get("start"), "%Y%m%d%H%M%S %z")
        stop = datetime.strptime(programme.get("stop"), "%Y%m%d%H%M%S %z")
        assert stop > start
        assert programme.get("start")[-5:] == programme.get("stop")[-5:] == "+0800"


def test_programmes_on_one_channel_are_in_time_order() -> None:
    """Programmes are grouped by channel, each channel's in start order, whatever came in."""
    site, lets_meet, news = _two_channel_site()
    airings = [
        make_airing(show, datetime(2026, 1, 3, 6, 0) + timedelta(hours=5 * i + j))
        for i in range(8)
        for j, show in enumerate((news, lets_meet))
    ]
    edition = make_edition(site, tuple(airings), NOW)
    shuffled = replace(edition, window=tuple(reversed(edition.window)))
    programmes = _programmes(etree.fromstring(render_xmltv(shuffled)))
    channels = [p.get("channel") for p in programmes]
    assert channels == ["cqtv.feeds.example.org"] * 8 + ["news.cqtv.example.org"] * 8
    for channel in set(channels):
        starts = [
            datetime.strptime(p.get("start"), "%Y%m%d%H%M%S %z")
            for p in programmes
            if p.get("channel") == channel
        ]
        assert starts == sorted(starts)


def test_cancelled_airings_are_left_out() -> None:
    """A cancelled airing has no programme; the others keep theirs."""
    show = make_show()
    kept = make_airing(show, datetime(2026, 1, 3, 18, 0))
    cancelled = make_airing(show, datetime(2026, 1, 7, 18, 0), status="cancelled", reason="Gala")
    programmes = _programmes(_guide(make_site(), (kept, cancelled)))
    assert [p.get("start") for p in programmes] == ["20260103180000 +0800"]


def test_online_only_shows_are_left_out() -> None:
    """A show without a channel is not in the guide, though its airings are in the window."""
    online = make_show(id="online", title="Online Only", channel=None)
    site = make_site(shows=(make_show(), online))
    airings = (make_airing(online, datetime(2026, 1, 3, 12, 0)), lets_meet_173())
    titles = [p.findtext("title") for p in _programmes(_guide(site, airings))]
    assert titles == ["Let's Meet"]


def test_every_channel_is_listed_with_name_icon_and_url() -> None:
    """Each site channel appears once, with its DNS-like id, display name, icon and url."""
    site, *_ = _two_channel_site()
    root = _guide(site, ())
    channels = root.findall("channel")
    assert [c.get("id") for c in channels] == ["cqtv.feeds.example.org", "news.cqtv.example.org"]
    first = channels[0]
    assert first.findtext("display-name") == "Chongqing Satellite TV"
    assert first.find("display-name").get("lang") == "en"
    assert first.find("icon").get("src") == "https://cqtv.example.org/logo.png"
    assert first.findtext("url") == "https://cqtv.example.org/"


@pytest.mark.parametrize(
    ("season", "episode", "onscreen", "xmltv_ns"),
    [
        (None, 173, "Ep. 173", ".172."),
        (2, 5, "S2 E5", "1.4."),
        (1, 1, "S1 E1", "0.0."),
        (None, 1, "Ep. 1", ".0."),
    ],
)
def test_episode_numbers_in_both_systems(
    season: int | None, episode: int, onscreen: str, xmltv_ns: str
) -> None:
    """An episode carries its onscreen label and its zero-based xmltv_ns number."""
    airing = make_airing(make_show(), datetime(2026, 1, 3, 18, 0), season=season, episode=episode)
    (programme,) = _programmes(_guide(make_site(), (airing,)))
    numbers = {e.get("system"): e.text for e in programme.findall("episode-num")}
    assert numbers == {"onscreen": onscreen, "xmltv_ns": xmltv_ns}


def test_rerun_carries_the_repeated_episode_and_is_previously_shown() -> None:
    """A rerun is previously-shown and numbered as the episode it repeats, never a premiere."""
    rerun = make_airing(make_show(), datetime(2026, 1, 7, 18, 0), season=2, rerun=True, rerun_of=1)
    (programme,) = _programmes(_guide(make_site(), (rerun,)))
    assert programme.find("previously-shown") is not None
    assert programme.find("premiere") is None
    assert programme.find("episode-num[@system='xmltv_ns']").text == "1.0."


def test_premiere_marks_only_a_season_first_episode() -> None:
    """Episode 1 of a season is a premiere; episode 2 and an unnumbered special are not."""
    show = make_show()
    airings = (
        make_airing(show, datetime(2026, 1, 3, 18, 0), season=2, episode=1),
        make_airing(show, datetime(2026, 1, 7, 18, 0), season=2, episode=2),
        make_airing(show, datetime(2026, 1, 8, 18, 0), extra=True, title="Special"),
    )
    flags = [p.find("premiere") is not None for p in _programmes(_guide(make_site(), airings))]
    assert flags == [True, False, False]


def test_special_without_number_has_no_episode_num() -> None:
    """An unnumbered airing has no episode-num element at all."""
    special = make_airing(
        make_show(), datetime(2026, 1, 1, 20, 0), extra=True, title="New Year Special"
    )
    (programme,) = _programmes(_guide(make_site(), (special,)))
    assert programme.findall("episode-num") == []
    assert programme.findtext("sub-title") == "New Year Special"


def test_programme_text_fields() -> None:
    """Title, sub-title, description, category and url come from the show and episode, with lang."""
    (programme,) = _programmes(_guide(make_site(), (lets_meet_173(),)))
    assert programme.findtext("title") == "Let's Meet"
    assert programme.findtext("sub-title") == "Global Youth Envoys Gather in Chongqing"
    assert "Bridging News: How Chinese micro-dramas are going global." in programme.findtext("desc")
    assert programme.findtext("category") == "Culture"
    assert programme.findtext("url") == "https://cqtv.example.org/lets-meet/"
    assert {e.get("lang") for e in programme.iter("title", "sub-title", "desc", "category")} == {
        "en"
    }


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_round_trips(name: str) -> None:
    """Any text a user can type reads back intact (less XML-forbidden controls) in every field."""
    text = HOSTILE[name]
    show = make_show(title=text, categories=(text,))
    site = make_site(
        shows=(show,),
        title=text,
        channels=(Channel(id="cqtv", name=text, xmltv_id="cqtv.feeds.example.org"),),
    )
    airing = make_airing(
        show, datetime(2026, 1, 3, 18, 0), title=text, summary=text, segments=(Segment(title=text),)
    )
    root = _guide(site, (airing,))
    (programme,) = _programmes(root)
    assert root.get("source-info-name") == expected(text)
    assert root.find("channel").findtext("display-name") == expected(text)
    assert programme.findtext("title") == expected(text)
    assert programme.findtext("sub-title") == expected(text)
    assert programme.findtext("category") == expected(text)
    assert expected(text) in programme.findtext("desc")


def test_same_edition_gives_the_same_bytes() -> None:
    """Rendering twice gives byte-identical guides."""
    assert render_xmltv(_golden_edition()) == render_xmltv(_golden_edition())


def test_registry_writes_the_guide_as_xmltv_xml() -> None:
    """The registry knows the guide as one network file, xmltv.xml, served as application/xml."""
    record = renderer("xmltv")
    assert (record.file_name(None), record.media_type, record.per_show) == (
        "xmltv.xml",
        "application/xml",
        False,
    )
    assert record.render(_golden_edition()) == render_xmltv(_golden_edition())


def test_golden_guide() -> None:
    """The guide for a fixed network matches the reviewed golden file byte for byte."""
    assert_golden(GOLDEN / "guide.xml", render_xmltv(_golden_edition()))




def test_an_episode_without_a_summary_is_described_by_its_show() -> None:
    """Guide software shows ``desc`` as the synopsis: the show's, when the episode has none.

    Its own summary wins; a move is still said first, the platforms last.
    """
    site, lets_meet, news = _two_channel_site()
    plain = make_airing(news, datetime(2026, 1, 5, 19, 0))
    own = make_airing(news, datetime(2026, 1, 6, 19, 0), summary="Flood defences, a year on.")
    moved = make_airing(
        lets_meet, datetime(2026, 1, 8, 20, 0),
        moved_from=datetime(2026, 1, 7, 18, 0, tzinfo=SHANGHAI),
    )
    guide = _guide(site, (plain, own, moved))
    descs = {p.get("start"): p.findtext("desc") for p in _programmes(guide)}
    assert descs == {
        "20260105190000 +0800": "The day in Chongqing.",
        "20260106190000 +0800": "Flood defences, a year on.",
        "20260108200000 +0800": "Moved from Wed 7 Jan 2026 18:00.\n\n"
        "The first all-English international programme from Chongqing.\n\n"
        "Also on: WeChat Channels, YouTube.",
    }
