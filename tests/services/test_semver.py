"""semver 2.0.0: parsing, precedence (semver.org §11) and the byte sort key."""

import functools
import itertools
import random

import pytest

from app.services import semver

VALID = [
    "0.0.4",
    "1.2.3",
    "10.20.30",
    "1.1.2-prerelease+meta",
    "1.1.2+meta",
    "1.1.2+meta-valid",
    "1.0.0-alpha",
    "1.0.0-beta",
    "1.0.0-alpha.beta",
    "1.0.0-alpha.beta.1",
    "1.0.0-alpha.1",
    "1.0.0-alpha0.valid",
    "1.0.0-alpha.0valid",
    "1.0.0-rc.1+build.1",
    "2.0.0-rc.1+build.123",
    "1.2.3-beta",
    "10.2.3-DEV-SNAPSHOT",
    "1.2.3-SNAPSHOT-123",
    "2.0.0+build.1848",
    "2.0.1-alpha.1227",
    "1.0.0-alpha+beta",
    "1.2.3----RC-SNAPSHOT.12.9.1--.12+788",
    "1.2.3----R-S.12.9.1--.12+meta",
    "1.0.0+0.build.1-rc.10000aaa-kk-0.1",
    "1.0.0-0A.is.legal",
    "9223372036854775807.0.0",
]

INVALID = [
    "",
    "1",
    "1.2",
    "1.2.3.4",
    "01.2.3",
    "1.02.3",
    "1.2.03",
    "1.2.3-01",
    "1.2.3-0123.0",
    "1.2.3-",
    "1.2.3+",
    "1.2.3-alpha..1",
    "1.2.3-alpha_beta",
    "+invalid",
    "-invalid",
    "alpha",
    "v1.2.3",
    " 1.2.3",
    "1.2.3 ",
    "1.2.3\n",
    "1.2.3-beta\n",
    "\u0661.2.3",  # non-ASCII digits (ARABIC-INDIC ONE) are not semver digits
    "1.2.3-\u0661",
    "1.1\u0661.0",
    "1.2.3-1\u0661",
    "9223372036854775808.0.0",
    "1.2.3-" + "a" * 200,
]


@pytest.mark.parametrize("text", VALID)
def test_valid_versions_parse_and_print_back(text):
    assert semver.is_valid(text)
    assert str(semver.parse(text)) == text


@pytest.mark.parametrize("text", INVALID)
def test_invalid_versions_are_rejected(text):
    assert not semver.is_valid(text)
    with pytest.raises(semver.InvalidVersion):
        semver.parse(text)


def test_parts():
    v = semver.parse("1.10.3-rc.1+build.7")
    assert (v.major, v.minor, v.patch) == (1, 10, 3)
    assert v.prerelease == ("rc", "1") and v.build == ("build", "7")
    assert v.is_prerelease and not semver.parse("1.0.0+x").is_prerelease


# semver.org §11, in ascending precedence.
CHAINS = [
    [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
    ],
    ["1.0.0", "2.0.0", "2.1.0", "2.1.1"],
    ["1.9.0", "1.10.0", "1.11.0"],
    ["2.0.0-rc.1", "2.0.0"],
    ["1.0.0-2", "1.0.0-10", "1.0.0-a", "1.0.0-alpha", "1.0.0-alpha-x", "1.0.0-b"],
]


@pytest.mark.parametrize("chain", CHAINS)
def test_precedence_chains(chain):
    parsed = [semver.parse(v) for v in chain]
    for low, high in itertools.pairwise(parsed):
        assert low < high and semver.sort_key(low) < semver.sort_key(high), (low, high)
    shuffled = parsed[::-1]
    assert [str(v) for v in sorted(shuffled)] == chain
    assert [str(v) for v in sorted(shuffled, key=semver.sort_key)] == chain


def test_build_metadata_does_not_take_part_in_precedence():
    a, b = semver.parse("1.0.0+a"), semver.parse("1.0.0+b")
    assert a == b and semver.sort_key(a) == semver.sort_key(b)
    assert semver.parse("1.0.0-rc.1+z") < semver.parse("1.0.0+a")


def _reference_compare(a: str, b: str) -> int:
    """semver.org §11, written independently of the service."""

    def split(text):
        core, _, _build = text.partition("+")
        core, _, pre = core.partition("-")
        return [int(x) for x in core.split(".")], pre.split(".") if pre else []

    (core_a, pre_a), (core_b, pre_b) = split(a), split(b)
    if core_a != core_b:
        return -1 if core_a < core_b else 1
    if not pre_a or not pre_b:
        return (not pre_a) - (not pre_b)  # a release outranks its prereleases
    for x, y in zip(pre_a, pre_b, strict=False):
        if x == y:
            continue
        if x.isdigit() and y.isdigit():
            return -1 if int(x) < int(y) else 1
        if x.isdigit() != y.isdigit():
            return -1 if x.isdigit() else 1  # numeric identifiers rank lower
        return -1 if x < y else 1
    return (len(pre_a) > len(pre_b)) - (len(pre_a) < len(pre_b))


def _random_version(rng: random.Random) -> str:
    core = ".".join(str(rng.choice([0, 1, 2, 9, 10, 11, 100, 2**40])) for _ in range(3))
    idents = ["alpha", "beta", "rc", "a", "b-1", "x-y", "0", "1", "2", "10", "11", "0a", "Z"]
    pre = ".".join(rng.choice(idents) for _ in range(rng.randint(0, 3)))
    build = rng.choice(["", "+build.5", "+001"])
    return core + (f"-{pre}" if pre else "") + build


def test_sort_key_order_equals_reference_precedence():
    rng = random.Random(20240601)
    versions = [_random_version(rng) for _ in range(600)]
    assert all(semver.is_valid(v) for v in versions)
    by_key = sorted(versions, key=lambda v: semver.sort_key(semver.parse(v)))
    by_reference = sorted(versions, key=functools.cmp_to_key(_reference_compare))
    # Equal-precedence versions (differing in build only) may sit in either order.
    assert [semver.sort_key(semver.parse(v)) for v in by_key] == [
        semver.sort_key(semver.parse(v)) for v in by_reference
    ]
    for a, b in itertools.pairwise(versions):
        ka, kb = semver.sort_key(semver.parse(a)), semver.sort_key(semver.parse(b))
        expected = _reference_compare(a, b)
        assert ((ka > kb) - (ka < kb)) == expected, (a, b)
