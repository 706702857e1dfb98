"""Fuzz the pipeline for a fixed wall-clock time with hostile projects.

    python tools/fuzz.py [--minutes 10] [--batch 150] [--msgfmt -1] [--known-bugs]

Draws hostile projects from tests/fuzz_strategies.py (lessons, file names,
settings, links, trapped folders and catalogs) and runs its checks on each:
nothing but PipelineError escapes, nothing is written outside build/,
locales/ and .pipeline-cache/, every catalog written reads back and passes
GNU ``msgfmt --check`` (all of them here; --msgfmt N checks N per step), and
an identity translation rebuilds each lesson byte for byte. Hypothesis runs
in batches of --batch examples, each batch with a new seed, until the time
is up. Each distinct failure is shrunk and its minimal example saved to
tests/data/fuzz/open/<name>.md (+ .po) or .json; failures like one saved
there already count as known.

Inputs that trigger a bug still open are left out (see "open bugs" in
tests/fuzz_strategies.py) unless --known-bugs is given. Prints the minutes
run, the examples tried and the failures found; exits 1 on a new failure.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")  # reproducible catalog dates

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests import fuzz_strategies as fs  # noqa: E402

OPEN = REPO / "tests" / "data" / "fuzz" / "open"


class TimeUp(BaseException):
    """Raised inside a batch when the time is up: Hypothesis lets it through."""


@dataclass
class Tally:
    examples: int = 0  # every project checked, shrinking included
    shrinking: int = 0  # of which while shrinking a failure
    batches: int = 0
    identical: int = 0  # lessons proven byte-identical under identity translation
    msgfmt: int = 0  # catalogs msgfmt --check accepted
    stopped: int = 0  # projects a PipelineError stopped (bad settings, ...)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (status, signature, where saved)


def signature(exc: BaseException) -> str:
    """What a failure is, without the particulars of one example: the
    exception, the innermost pipeline (or check) function, the message's
    lead and its rule."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}pipeline{os.sep}" in f.filename] or [
        f for f in frames if f.filename.endswith("fuzz_strategies.py")
    ]
    where = f"{Path(ours[-1].filename).stem}.{ours[-1].name}" if ours else "?"
    message = str(exc).strip().split("\n")[0]
    lead = re.sub(r"\s*\([^)]*\)", "", message.split(": ")[0])  # particulars go in parentheses
    lead = re.sub(r"\d+", "N", lead)[:100]
    rule = re.search(r"\[([\w-]+)\]", message)
    return f"{type(exc).__name__} in {where}: {lead}" + (f" [{rule.group(1)}]" if rule else "")


def run_check(proj: fs.Project, msgfmt: int, rng: random.Random) -> fs.Outcome:
    with tempfile.TemporaryDirectory(prefix="pipeline-fuzz-") as scratch:
        return fs.check_project(Path(scratch), proj, msgfmt=msgfmt, rng=rng)


def failure_of(proj: fs.Project, msgfmt: int) -> str | None:
    """The signature of the failure ``proj`` causes now, or None."""
    try:
        run_check(proj, msgfmt, random.Random(0))
    except Exception as exc:  # noqa: BLE001 - any failure is what we look for
        return signature(exc)
    return None


def known_signatures(msgfmt: int) -> dict[str, Path]:
    """Signatures of the open fixtures (those that still fail)."""
    known: dict[str, Path] = {}
    for path in fs.fixtures(OPEN):
        sig = failure_of(fs.load_fixture(path), msgfmt)
        if sig is None:
            print(f"open fixture {path.name} passes now: move it up into tests/data/fuzz/")
        else:
            known.setdefault(sig, path)
    return known


def batch(
    seed_value: int, size: int, msgfmt: int, known_bugs: bool, deadline: float, tally: Tally
) -> tuple[BaseException, fs.Project] | None:
    """One Hypothesis run of ``size`` examples; its minimal failure, if any."""
    last: list[fs.Project] = []

    @settings(
        max_examples=size,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
    )
    @seed(seed_value)
    @given(fs.project(known_bugs=known_bugs), st.randoms(use_true_random=False))
    def probe(proj: fs.Project, rng: random.Random) -> None:
        # Stop generating at the deadline; a shrink gets three minutes more.
        if time.monotonic() > deadline + (180 if last else 0):
            raise TimeUp
        tally.examples += 1
        tally.shrinking += bool(last)
        try:
            outcome = run_check(proj, msgfmt, rng)
        except Exception:
            last.append(proj)
            raise
        tally.identical += outcome.identical
        tally.msgfmt += outcome.msgfmt_checked
        tally.stopped += outcome.error is not None

    try:
        probe()
    except TimeUp:
        return (TimeUp(), last[-1]) if last else None
    except Exception as exc:  # noqa: BLE001 - Hypothesis re-raises the test's failure
        return exc, last[-1]
    return None


def save(proj: fs.Project, sig: str, msgfmt: int) -> Path:
    """Save the failing ``proj`` in open/, as a plain .md (+ .po) if the
    lesson's name does not matter to the failure."""
    plain = fs.simplified(proj)
    if plain is not proj and failure_of(plain, msgfmt) == sig:
        proj = plain
    slug = re.sub(r"[^a-z0-9]+", "-", sig.split(": ", 1)[-1].lower()).strip("-")[:40]
    name = f"{slug}-{hashlib.blake2b(proj.to_json().encode(), digest_size=4).hexdigest()}"
    return fs.save_fixture(OPEN, name, proj)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0, help="wall-clock time to fuzz (default 10)")
    parser.add_argument("--batch", type=int, default=150, help="examples per Hypothesis run (default 150)")
    parser.add_argument("--msgfmt", type=int, default=-1, help="catalogs per step for msgfmt --check (-1: all)")
    parser.add_argument("--known-bugs", action="store_true", help="also draw inputs that trigger open bugs")
    parser.add_argument("--seed", type=int, default=None, help="seed of the batch seeds (default: random)")
    args = parser.parse_args()

    start = time.monotonic()
    deadline = start + 60 * args.minutes
    seeds = random.Random(args.seed)
    known = known_signatures(args.msgfmt)
    print(f"{len(known)} open fixtures fail as before: failures like theirs count as known", flush=True)
    tally = Tally()
    seen: set[str] = set()
    while time.monotonic() < deadline:
        tally.batches += 1
        found = batch(seeds.getrandbits(32), args.batch, args.msgfmt, args.known_bugs, deadline, tally)
        if found is None:
            continue
        exc, proj = found
        sig = signature(exc) if not isinstance(exc, TimeUp) else failure_of(proj, args.msgfmt) or "flaky"
        if sig in seen:
            continue
        seen.add(sig)
        if sig in known:
            tally.failures.append(("known", sig, str(known[sig].relative_to(REPO))))
        else:
            where = save(proj, sig, args.msgfmt)
            tally.failures.append(("NEW", sig, str(where.relative_to(REPO))))
            print(f"new failure: {sig}\n  saved: {where.relative_to(REPO)}\n  {str(exc)[:500]}", flush=True)

    minutes = (time.monotonic() - start) / 60
    new = [f for f in tally.failures if f[0] == "NEW"]
    print(f"fuzz: {minutes:.1f} minutes, {tally.examples} examples tried in {tally.batches} batches")
    print(f"  {tally.examples - tally.shrinking} generated, {tally.shrinking} while shrinking failures")
    print(
        f"  {tally.identical} lessons proven byte-identical, {tally.msgfmt} catalogs accepted by msgfmt --check, "
        f"{tally.stopped} projects stopped by a PipelineError"
    )
    print(f"  failures found: {len(tally.failures)} ({len(new)} new)")
    for status, sig, where in tally.failures:
        print(f"  {status}: {sig}\n    -> {where}")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
