"""Train the second-opinion classifier for child_present and voice (nlp_assess/label_model.py)
on the dev split, choose its thresholds on dev, and save it to models/labels/.

    python scripts/train_label_model.py [--out models/labels]

Thresholds are chosen on the first-look rounds (`corpora/first_look.jsonl`: the rules'
labels for dev batches scored on arrival, before any rule was changed for them, with the
commit they were scored on). For each round the classifier is fitted on the dev records
that existed before it (dev minus that round and later ones), as the rules were; the rules'
first-look label is overruled where the classifier is confident and disagrees. The threshold
with the best mean macro F1 over all rounds but the last is kept; the last round is reported
as a held-out check. The shipped model is then fitted on all of dev. Test is never read.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp_assess.evaluate import macro_prf  # noqa: E402
from nlp_assess.label_model import make_label_pipeline, save_label_model  # noqa: E402
from nlp_assess.second_opinion import LABELS, overrides, pipeline_opinions  # noqa: E402
from nlp_assess.quality import data_hash  # noqa: E402

THRESHOLDS = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def load(path: Path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def targets(records):
    return [(r["labels"]["child_present"], r["labels"]["voice"]) for r in records]


def round_scores(records, first_look):
    """{round: {threshold: {label: (rules F1, with second opinion F1)}}}."""
    rounds = sorted({f["round"] for f in first_look.values()})
    style_round = {f["style"]: f["round"] for f in first_look.values()}
    out = {}
    for rnd in rounds:
        train = [r for r in records if style_round.get(r["meta"]["style"], 0) < rnd]
        held = [r for r in records if style_round.get(r["meta"]["style"]) == rnd]
        print(f"round {rnd}: fitting on {len(train)} dev records, scoring {len(held)}", file=sys.stderr, flush=True)
        model = make_label_pipeline().fit([r["narrative"] for r in train], targets(train))
        opinions = pipeline_opinions(model, [r["narrative"] for r in held])
        out[rnd] = {}
        for t in (None,) + THRESHOLDS:
            pred = {"child_present": [], "voice": []}
            gold = {"child_present": [], "voice": []}
            for r, op in zip(held, opinions):
                rules = first_look[r["record_id"]]
                rules = {"child_present": rules["child_present"], "voice": rules["voice"]}
                over = overrides(rules, op, {label: t for label in LABELS}) if t is not None else {}
                present = over.get("child_present", {}).get("model", rules["child_present"])
                voice = over.get("voice", {}).get("model", rules["voice"]) if present == "yes" else "missing"
                pred["child_present"].append(present)
                gold["child_present"].append(r["labels"]["child_present"])
                if r["labels"]["child_present"] == "yes":  # voice is scored where gold presence is yes
                    pred["voice"].append(voice)
                    gold["voice"].append(r["labels"]["voice"])
            out[rnd][t] = {label: round(macro_prf(gold[label], pred[label])["f1"], 3) for label in LABELS}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev", type=Path, default=ROOT / "corpora" / "dev.jsonl")
    ap.add_argument("--first-look", type=Path, default=ROOT / "corpora" / "first_look.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "labels")
    args = ap.parse_args(argv)

    records = load(args.dev)
    first_look = {f["record_id"]: f for f in load(args.first_look)}
    scores = round_scores(records, first_look)
    rounds = sorted(scores)
    tune, check = rounds[:-1], rounds[-1]
    thresholds = {}
    for label in LABELS:
        best = max(THRESHOLDS, key=lambda t: (sum(scores[r][t][label] for r in tune), t))
        thresholds[label] = best
        print(f"{label}: threshold {best} (mean F1 on rounds {tune}: "
              f"{sum(scores[r][best][label] for r in tune) / len(tune):.3f})", file=sys.stderr)
    metrics = {"first_look_rounds": {
        str(r): {"rules": scores[r][None],
                 "with_second_opinion": {label: scores[r][thresholds[label]][label] for label in LABELS},
                 "held_out": r == check}
        for r in rounds}}
    for r in rounds:
        m = metrics["first_look_rounds"][str(r)]
        print(f"round {r}{' (held out)' if r == check else ''}: rules {m['rules']} -> "
              f"with second opinion {m['with_second_opinion']}", file=sys.stderr)

    print(f"fitting on all {len(records)} dev records", file=sys.stderr, flush=True)
    y = targets(records)
    model = make_label_pipeline().fit([r["narrative"] for r in records], y)
    manifest = save_label_model(model, args.out, thresholds=thresholds, metrics=metrics, training={
        "source": "corpora/dev.jsonl", "records": len(records),
        "sha256": data_hash(records, [f"{p}|{v}" for p, v in y])})
    print(f"written to {args.out} (sha256 {manifest['sha256'][:16]}...)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
