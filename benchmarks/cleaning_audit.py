"""Was any article text removed? An audit of every removal cleaning made on a set of reports.

Cleans the given files (default: the five seeds in ``../shared/seeds``) and
lists each removal with its check (:func:`synopsis.clean.check_removals`): a
doubled paragraph with the kept twin that makes it redundant; any other
removal with the most similar paragraph of the other reports (partial ratio
0–100; another outlet printing it as article text would show ≥ 90). Exits 1
when any removal is suspect.

Run: ``python benchmarks/cleaning_audit.py [FILES...]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from synopsis.readers import read_inputs
from synopsis.text.clean import check_removals, clean
from synopsis.text.segment import segment


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    default = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    paths = [Path(a) for a in args] or sorted(default.glob("*.txt"))
    if not paths:
        print(f"no input files (looked in {default})", file=sys.stderr)
        return 2
    articles = [clean(a) for a in read_inputs(paths).articles]
    names = {a.id: Path(a.path or a.id).name for a in articles}
    checks = check_removals(articles)
    suspect = 0
    for check in checks:
        verdict = "SUSPECT" if check.suspect else "ok"
        suspect += check.suspect
        print(f"[{verdict}] {names[check.article]}  {check.kind}: {check.text[:110]}")
        if check.twin:
            print(f"        kept twin: {check.twin[:110]}")
        elif check.elsewhere_score:
            print(
                f"        closest in other reports ({check.elsewhere_score:.0f}): "
                f"{check.elsewhere[:100]}"
            )
    kept = sum(len(segment(a).sentences) for a in articles)
    print(
        f"\n{len(checks)} removals in {len(articles)} articles; {suspect} suspect; "
        f"{kept} sentences kept"
    )
    return 1 if suspect else 0


if __name__ == "__main__":
    raise SystemExit(main())
