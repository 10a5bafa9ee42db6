"""Detection evaluation behind scripts/eval (standard library only).

Runs the protocols over the YouTube Spam Collection and compares these
systems on exactly the same rows:
  rules            spamgate eval            (the rule set alone)
  rules+learner    spamgate eval --train    (rules plus a fresh learned model)
  + FUZZY          spamgate fuzzy eval --train [--from-rejects]
                   (rules, the fresh model and FUZZY taught the same rows)
  bogofilter       a fresh bogofilter database per fold, trained on the same rows

Protocols:
  cross        leave one video out: train on four videos, test on the fifth.
  site         per video: data rows at even positions (0-based) train, odd ones test.
  no training  each whole video, FUZZY fed only by what the rules reject.
  small site   per video: the first 5/10/20 spam and 4x as much ham of the even
               rows train (in their order), the odd rows test.

Prints the tables and the targets, writes every figure as JSON. Raises (and
so exits non-zero) on any error; a missed target is reported, not an error.
"""

import argparse
import csv
import datetime
import json
import os
import re
import subprocess
import sys
import time
import tomllib

BOM = "\ufeff"
GATE_FLOORS = (1, 10, 40)  # [learning] min_per_class, beside the config's own
SMALL_SITE_SPAM = (5, 10, 20)  # small site: marked spam per video (and 4x as much ham)
SMALL_SITE_MIN_CAUGHT = 0.60   # target with 10 marked spam
# How FUZZY runs on a live site ([checks] fuzzy_from_rejects, read from the config in main()).
FUZZY_LIVE = {"from_rejects": True}

# Targets (see scripts/eval --help).
CROSS_MIN_CAUGHT = 0.90
SITE_MIN_CAUGHT = 0.90
MAX_HAM_HELD = 0.01


class EvalError(Exception):
    pass


# ---------------------------------------------------------------- corpus --

class Corpus:
    """One CSV file: its header and data rows, read with the csv module."""

    def __init__(self, path):
        self.path = path
        self.stem = os.path.splitext(os.path.basename(path))[0]
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = [r for r in csv.reader(fh) if r]  # data rows only; no blank lines
        if not rows:
            raise EvalError(f"{path}: empty file")
        self.header, self.rows = rows[0], rows[1:]
        try:
            self.i_author = self.header.index("AUTHOR")
            self.i_content = self.header.index("CONTENT")
            self.i_class = self.header.index("CLASS")
        except ValueError:
            raise EvalError(f"{path}: header must name AUTHOR, CONTENT and CLASS, not {self.header}")
        for n, r in enumerate(self.rows):
            if len(r) <= max(self.i_author, self.i_content, self.i_class):
                raise EvalError(f"{path}: data row {n} has only {len(r)} fields")
            if r[self.i_class] not in ("0", "1"):
                raise EvalError(f"{path}: data row {n}: CLASS must be 0 or 1, not {r[self.i_class]!r}")

    def comments(self, rows=None):
        """(author, body, is_spam) per row; a trailing U+FEFF is dropped as spamgate does."""
        for r in self.rows if rows is None else rows:
            yield (r[self.i_author].rstrip(BOM), r[self.i_content].rstrip(BOM), r[self.i_class] == "1")

    def write(self, path, rows):
        """Writes `rows` under the same header; multi-line fields stay quoted and intact."""
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(self.header)
            w.writerows(rows)
        return path


def label_counts(corpus, rows=None):
    rows = corpus.rows if rows is None else rows
    spam = sum(1 for r in rows if r[corpus.i_class] == "1")
    return {"spam": spam, "ham": len(rows) - spam}


# -------------------------------------------------------------- spamgate --

class Spamgate:
    def __init__(self, binary, config):
        self.binary, self.config = binary, config
        help_text = self._run([binary, "eval", "--help"]).stdout
        missing = [f for f in ("--json", "--train") if f not in help_text]
        if missing:
            raise EvalError(
                f"{binary} eval has no {' / '.join(missing)} yet: rebuild it "
                "(cmake --build build --target spamgate) or point SPAMGATE at a newer binary")
        self.has_gate_flag = "--min-per-class" in help_text
        fuzzy_help = subprocess.run([binary, "fuzzy", "eval", "--help"], capture_output=True, text=True)
        if fuzzy_help.returncode != 0 or "--from-rejects" not in fuzzy_help.stdout:
            raise EvalError(f"{binary} has no `fuzzy eval` yet: rebuild it (cmake --build build --target spamgate)")
        self.calls = 0

    @staticmethod
    def _run(cmd):
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise EvalError(f"{' '.join(cmd)}: exit status {p.returncode}\n{p.stderr.strip()}")
        return p

    def eval(self, tests, expected, train=None, min_per_class=None, fuzzy=None, rows=False):
        """Runs `spamgate eval --json`; returns the per-file counts (in `tests` order) and `learned`.

        `expected` holds the label counts this script read from each test file:
        spamgate must have read the same rows. `fuzzy` (a dict: from_rejects,
        similarity) runs `spamgate fuzzy eval` instead: the same plus FUZZY,
        taught the training rows as marks; its figures land in the counts as
        "fuzzy". `rows`: `learned` also holds "rows", learned_rows() of the test rows."""
        cmd = [self.binary, "eval", "-c", self.config, "--json"]
        if fuzzy is not None:
            cmd = [self.binary, "fuzzy", "eval", "-c", self.config, "--json"]
            if fuzzy.get("from_rejects"):
                cmd += ["--from-rejects"]
            if fuzzy.get("similarity") is not None:
                cmd += ["--similarity", str(fuzzy["similarity"])]
        if min_per_class is not None:
            cmd += ["--min-per-class", str(min_per_class)]
        if train:
            cmd += ["--train", *train]
        cmd += ["--", *tests]
        self.calls += 1
        out = self._run(cmd).stdout
        try:
            doc = json.loads(out)
        except json.JSONDecodeError as e:
            raise EvalError(f"{' '.join(cmd)}: not one JSON object ({e}):\n{out[:500]}")
        files = doc.get("files")
        if not isinstance(files, list) or len(files) != len(tests):
            raise EvalError(f"{' '.join(cmd)}: expected {len(tests)} entries in \"files\", got {out[:500]}")
        result = []
        for path, want, got in zip(tests, expected, files):
            counts = {k: int(got[k]) for k in ("spam", "ham", "caught", "fp")}
            if os.path.basename(str(got.get("file", ""))) != os.path.basename(path):
                raise EvalError(f"spamgate eval reported file {got.get('file')!r} where {path} was expected")
            if (counts["spam"], counts["ham"]) != (want["spam"], want["ham"]):
                raise EvalError(
                    f"{path}: spamgate read {counts['spam']} spam / {counts['ham']} ham, "
                    f"this script {want['spam']} / {want['ham']}: not the same rows")
            result.append(counts)
        learned = None
        if train:
            learned = doc.get("learned")
            if not isinstance(learned, dict) or not {"spam", "ham", "active"} <= learned.keys():
                raise EvalError(f"{' '.join(cmd)}: no \"learned\" member with spam, ham, active")
            learned = {"spam": int(learned["spam"]), "ham": int(learned["ham"]),
                       "active": bool(learned["active"])}
            if rows:
                learned["rows"] = learned_rows(doc, cmd, expected)
        if fuzzy is not None:
            f = doc.get("fuzzy")
            if not isinstance(f, dict) or "hits" not in f:
                raise EvalError(f"{' '.join(cmd)}: no \"fuzzy\" member")
            for r in result:
                r["fuzzy"] = f
        return result, learned


def learned_rows(doc, cmd, expected):
    """`spamgate eval --json`'s "learned_rows" as (probability, flagged without LEARNED, spam) tuples.

    Present (one per test row) only when the model is active; an older
    spamgate that does not write them gives an empty list."""
    rows = doc.get("learned_rows", [])
    want = sum(e["spam"] + e["ham"] for e in expected)
    if rows and len(rows) != want:
        raise EvalError(f"{' '.join(cmd)}: {len(rows)} learned_rows for {want} test rows")
    return [(float(p), bool(flagged), bool(spam)) for p, flagged, spam in rows]


def ranking_ceiling(rows, max_ham_held):
    """The most spam LEARNED could catch with one hold probability T at <= max_ham_held of ham held.

    `rows`: (probability, flagged without LEARNED, spam). A row counts as held
    when the rest of the verdict holds it or its probability reaches T (LEARNED
    holding on its own); T is chosen on these very rows, so the figure is a
    ceiling, not a result: it measures how well the model ranks spam above
    ham, which no hold band or monotone calibration of its probability
    changes (a lower band adding to a rule's score moves a few rows more)."""
    spam = sum(1 for _, _, y in rows if y)
    ham = len(rows) - spam
    caught = sum(1 for _, f, y in rows if y and f)
    held = sum(1 for _, f, y in rows if not y and f)
    best = None
    if held <= max_ham_held * ham:
        best = {"caught": caught, "fp": held, "probability": None}
    candidates = sorted((r for r in rows if not r[1]), key=lambda r: -r[0])
    i = 0
    while i < len(candidates):  # lower T one distinct probability at a time
        t = candidates[i][0]
        while i < len(candidates) and candidates[i][0] == t:
            caught += candidates[i][2]
            held += not candidates[i][2]
            i += 1
        if held > max_ham_held * ham:
            break
        best = {"caught": caught, "fp": held, "probability": t}
    if best is None:
        return None
    return dict(best, spam=spam, ham=ham)


# ------------------------------------------------------------ bogofilter --
#
# Debian's bogofilter (1.2.5, bogofilter-bdb) as shipped: -C reads no config
# file, so the compiled-in defaults apply -- the same values Debian's
# /etc/bogofilter.cf lists, all commented out: robx 0.52, robs 0.0178,
# min_dev 0.375, spam_cutoff 0.99, ham_cutoff 0.45, ns_esf = sp_esf = 1.
# A non-zero ham_cutoff makes it tristate by default: spamicity >= 0.99 is
# Spam, <= 0.45 Ham, in between Unsure. Only "S" counts as caught / ham held
# in the tables; the Unsure counts are reported beside them.

BOGO = ["bogofilter", "-C"]
_FROM_LINE = re.compile(r"^(>*From )", re.M)


def mbox_message(author, body):
    """One comment as a small RFC 5322 message in an mbox (mboxrd quoting of From lines)."""
    author = re.sub(r'[\r\n"\\]+', " ", author).strip() or "anonymous"
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    body = _FROM_LINE.sub(r">\1", body)
    return ("From x@example.invalid Thu Jan  1 00:00:00 1970\n"
            f'From: "{author}" <x@example.invalid>\n'
            "Subject: comment\n"
            "MIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: 8bit\n"
            "\n"
            f"{body}\n\n")


def write_mbox(path, comments):
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for author, body, _ in comments:
            fh.write(mbox_message(author, body))
    return path


def run_checked(cmd, stdin_path=None, ok=(0,)):
    with open(stdin_path or os.devnull, "rb") as fin:
        p = subprocess.run(cmd, stdin=fin, capture_output=True, text=True)
    if p.returncode not in ok:
        raise EvalError(f"{' '.join(cmd)}: exit status {p.returncode}\n{p.stderr.strip()}")
    return p.stdout


def bogofilter_settings():
    out = run_checked(BOGO + ["-Q"])
    settings = {}
    for line in out.splitlines():
        m = re.match(r"^(\w+)\s*=\s*([0-9.]+)\s*#", line)
        if m:
            settings[m.group(1)] = float(m.group(2))
    version = re.search(r"bogofilter version (\S+)", out)
    settings["version"] = version.group(1) if version else "unknown"
    return settings


def bogofilter_fold(workdir, train, test):
    """Trains a fresh database on `train`, classifies `test`; returns the counts.

    `train` and `test` are lists of (author, body, is_spam)."""
    db = os.path.join(workdir, "db")
    os.makedirs(db)
    spam_box = write_mbox(os.path.join(workdir, "train-spam.mbox"), [c for c in train if c[2]])
    ham_box = write_mbox(os.path.join(workdir, "train-ham.mbox"), [c for c in train if not c[2]])
    test_box = write_mbox(os.path.join(workdir, "test.mbox"), test)
    run_checked(BOGO + ["-d", db, "-M", "-s"], spam_box)
    run_checked(BOGO + ["-d", db, "-M", "-n"], ham_box)
    # The database must hold exactly the messages written (the mbox split worked).
    count = run_checked(["bogoutil", "-w", db, ".MSG_COUNT"]).split()
    want_spam = sum(1 for c in train if c[2])
    want_ham = len(train) - want_spam
    if count[-2:] != [str(want_spam), str(want_ham)]:
        raise EvalError(f"bogofilter registered {count[-2:]} messages, expected {want_spam} spam / {want_ham} ham")
    # (exit status 0, 1 or 2: the last message was spam, ham or unsure; 3 = error)
    verdicts = run_checked(BOGO + ["-d", db, "-M", "-T"], test_box, ok=(0, 1, 2)).split("\n")
    verdicts = [v.split()[0] for v in verdicts if v.strip()]
    if len(verdicts) != len(test):
        raise EvalError(f"bogofilter classified {len(verdicts)} messages, expected {len(test)}")
    r = {"spam": 0, "ham": 0, "caught": 0, "fp": 0, "unsure_spam": 0, "unsure_ham": 0}
    for (_, _, is_spam), v in zip(test, verdicts):
        if v not in ("S", "H", "U"):
            raise EvalError(f"bogofilter -T printed {v!r}")
        key = "spam" if is_spam else "ham"
        r[key] += 1
        if v == "S":
            r["caught" if is_spam else "fp"] += 1
        elif v == "U":
            r["unsure_" + key] += 1
    return r


# ---------------------------------------------------------------- output --

SYSTEMS = (("rules", "rules alone"), ("rules_learner", "rules + learner"),
           ("rules_learner_fuzzy", "+ FUZZY"), ("bogofilter", "bogofilter"))


def pct(n, d):
    return n / d if d else 0.0


def cell(n, d):
    return f"{100 * pct(n, d):5.1f}% ({n}/{d})"


def add(a, b):
    """Sums two count dicts (key order kept; "learned" is not a count)."""
    keys = list(a) + [k for k in b if k not in a]
    return {k: a.get(k, 0) + b.get(k, 0) for k in keys if k not in ("learned", "fuzzy")}


def fmt_learned(learned):
    if learned is None:
        return ""
    return f"{learned['spam']}/{learned['ham']}" + ("" if learned["active"] else " (off)")


def print_table(title, folds, total, bogo_settings, systems=SYSTEMS):
    w = 18
    fw = max(len(r["fold"]) for r in folds) + 2
    print(f"== {title}")
    print(f"{'':{fw}}" + "".join(f"{label:<{2 * w}}" for _, label in systems) + "learned")
    print(f"{'fold':{fw}}" + f"{'caught':<{w}}{'ham held':<{w}}" * len(systems) + "spam/ham")
    for row in folds + [total]:
        line = f"{row['fold']:{fw}}"
        for key, _ in systems:
            c = row[key]
            line += f"{cell(c['caught'], c['spam']):<{w}}{cell(c['fp'], c['ham']):<{w}}"
        line += fmt_learned(row.get("rules_learner", row.get("rules_learner_fuzzy", {})).get("learned"))
        print(line.rstrip())
    b = total["bogofilter"]
    print(f"  bogofilter Unsure (Debian's default tristate: {bogo_settings.get('ham_cutoff')} < spamicity < "
          f"{bogo_settings.get('spam_cutoff')}), not counted above: "
          f"spam {b['unsure_spam']}, ham {b['unsure_ham']}; counted as held too: "
          f"caught {cell(b['caught'] + b['unsure_spam'], b['spam']).strip()}, "
          f"ham held {cell(b['fp'] + b['unsure_ham'], b['ham']).strip()}")
    if "rules_learner_fuzzy" in total:
        hits = {"spam": 0, "ham": 0}
        for row in folds:
            for k in hits:
                hits[k] += row["rules_learner_fuzzy"]["fuzzy"]["hits"][k]
        print(f"  + FUZZY = rules + learner + FUZZY (taught the training rows as marks"
              f"{', and rows the rules reject as they are scored' if FUZZY_LIVE['from_rejects'] else ''}); "
              f"FUZZY hit {hits['spam']} spam and {hits['ham']} ham test rows")
    print()


def print_ceiling(total):
    """One line: the learner's ranking_ceiling() over the protocol's test rows."""
    c = total["learner_ceiling"]
    if c is None:
        print("  learner ranking ceiling: none (the rest of the verdict alone holds more than 1 % of ham)")
    elif c["probability"] is None:
        print("  learner ranking ceiling: LEARNED can hold nothing alone within 1 % of ham")
    else:
        print(f"  learner ranking ceiling (LEARNED holding alone at the one probability chosen on these test rows, "
              f"<= 1 % ham held): caught {cell(c['caught'], c['spam']).strip()}, ham held "
              f"{cell(c['fp'], c['ham']).strip()} at p >= {c['probability']:.3f}: how well the model ranks, "
              "which no hold band or calibration of its probability changes; a ceiling, not a result")
    print()


# -------------------------------------------------------------- protocol --

def run_protocol(name, folds, sg, workdir):
    """folds: list of dicts with fold, train (paths), train_comments, test (path), test_corpus, test_rows."""
    expected = [label_counts(f["test_corpus"], f["test_rows"]) for f in folds]
    rules, _ = sg.eval([f["test"] for f in folds], expected)
    rows, learner_rows = [], []
    for f, exp, rule_counts in zip(folds, expected, rules):
        learner, learned = sg.eval([f["test"]], [exp], train=f["train"], rows=True)
        learner_rows += learned.pop("rows")
        learner = dict(learner[0], learned=learned)
        fuzzy, fuzzy_learned = sg.eval([f["test"]], [exp], train=f["train"], fuzzy=FUZZY_LIVE)
        fuzzy = dict(fuzzy[0], learned=fuzzy_learned)
        test_comments = list(f["test_corpus"].comments(f["test_rows"]))
        fold_dir = os.path.join(workdir, f"bogofilter-{name}-{f['fold']}")
        os.makedirs(fold_dir)
        bogo = bogofilter_fold(fold_dir, f["train_comments"], test_comments)
        if (bogo["spam"], bogo["ham"]) != (exp["spam"], exp["ham"]):
            raise EvalError(f"{f['fold']}: bogofilter saw other rows than spamgate")
        rows.append({"fold": f["fold"], "train": f["train"], "test": f["test"],
                     "train_rows": {"spam": sum(1 for c in f["train_comments"] if c[2]),
                                    "ham": sum(1 for c in f["train_comments"] if not c[2])},
                     "rules": rule_counts, "rules_learner": learner, "rules_learner_fuzzy": fuzzy,
                     "bogofilter": bogo})
    total = {"fold": "total"}
    for key, _ in SYSTEMS:
        t = {}
        for r in rows:
            t = add(t, r[key])
        total[key] = t
    total["learner_ceiling"] = ranking_ceiling(learner_rows, MAX_HAM_HELD)
    return rows, total


def read_fuzzy_from_rejects(config_path):
    with open(config_path, "rb") as fh:
        cfg = tomllib.load(fh)
    value = cfg.get("checks", {}).get("fuzzy_from_rejects", True)
    return bool(value)


def small_site_train(corpus, rows, spam_count):
    """The first `spam_count` spam and 4x as many ham of `rows`, in their order."""
    picked, spam, ham = [], 0, 0
    for r in rows:
        if r[corpus.i_class] == "1" and spam < spam_count:
            picked.append(r)
            spam += 1
        elif r[corpus.i_class] == "0" and ham < 4 * spam_count:
            picked.append(r)
            ham += 1
    return picked


def read_gate_default(config_path):
    with open(config_path, "rb") as fh:
        cfg = tomllib.load(fh)
    value = cfg.get("learning", {}).get("min_per_class")
    return int(value) if isinstance(value, int) else None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--spamgate", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--corpus", required=True, help="folder with Youtube0[1-5]-*.csv")
    ap.add_argument("--tmp", required=True, help="scratch folder (the caller removes it)")
    ap.add_argument("--out", required=True, help="JSON results file")
    args = ap.parse_args()
    started = time.monotonic()

    videos = sorted(os.path.join(args.corpus, n) for n in os.listdir(args.corpus)
                    if re.fullmatch(r"Youtube0[1-5]-.*\.csv", n))
    if len(videos) != 5:
        raise EvalError(f"{args.corpus}: expected the five Youtube0[1-5]-*.csv files, found {len(videos)}")
    corpora = [Corpus(v) for v in videos]
    sg = Spamgate(args.spamgate, args.config)
    bogo_settings = bogofilter_settings()

    print(f"spamgate   {args.spamgate}, config {args.config}")
    print(f"bogofilter {bogo_settings['version']}, Debian's defaults (-C): spam_cutoff "
          f"{bogo_settings.get('spam_cutoff')}, ham_cutoff {bogo_settings.get('ham_cutoff')}, "
          f"robx {bogo_settings.get('robx')}, robs {bogo_settings.get('robs')}, "
          f"min_dev {bogo_settings.get('min_dev')}; caught / ham held = classified S")
    print(f"corpus     {args.corpus}: " + ", ".join(
        f"{c.stem} {label_counts(c)['spam']}/{label_counts(c)['ham']}" for c in corpora) + " (spam/ham)")
    print()

    # cross: leave one video out
    cross_folds = []
    for i, c in enumerate(corpora):
        others = [o for j, o in enumerate(corpora) if j != i]
        cross_folds.append({
            "fold": c.stem, "train": [o.path for o in others],
            "train_comments": [x for o in others for x in o.comments()],
            "test": c.path, "test_corpus": c, "test_rows": c.rows})
    cross_rows, cross_total = run_protocol("cross", cross_folds, sg, args.tmp)
    FUZZY_LIVE["from_rejects"] = read_fuzzy_from_rejects(args.config)
    print_table("cross: leave one video out (train on the other four videos, test on this one)",
                cross_rows, cross_total, bogo_settings)
    print_ceiling(cross_total)

    # site: even rows train, odd rows test, per video
    site_dir = os.path.join(args.tmp, "site")
    os.makedirs(site_dir)
    site_folds = []
    for c in corpora:
        even, odd = c.rows[0::2], c.rows[1::2]
        site_folds.append({
            "fold": c.stem,
            "train": [c.write(os.path.join(site_dir, c.stem + ".train.csv"), even)],
            "train_comments": list(c.comments(even)),
            "test": c.write(os.path.join(site_dir, c.stem + ".test.csv"), odd),
            "test_corpus": c, "test_rows": odd})
    site_rows, site_total = run_protocol("site", site_folds, sg, args.tmp)
    print_table("site: per video, train on the rows at even positions, test on the odd ones",
                site_rows, site_total, bogo_settings)
    print_ceiling(site_total)

    # site: how the learner's gate ([learning] min_per_class) matters
    gate_default = read_gate_default(args.config)
    # unset in the config: spamgate's built-in default, which the JSON does not name
    default_label = f"{gate_default} (default)" if gate_default is not None else "default (built-in)"
    gate = {"default": gate_default, "rows": []}
    print("== site: the learner's gate floor, [learning] min_per_class (rules + learner)")
    if not sg.has_gate_flag:
        gate["skipped"] = "spamgate eval has no --min-per-class"
        print("  skipped: this spamgate eval has no --min-per-class option")
    else:
        settings = [(n, str(n)) for n in GATE_FLOORS if n != gate_default] + [(None, default_label)]
        settings.sort(key=lambda s: s[0] if s[0] is not None else (gate_default or 10**9))
        print(f"{'min_per_class':17}{'caught':<19}{'ham held':<19}{'learner active':<16}worst video caught")
        for n, label in settings:
            per_video = []
            for f, row in zip(site_folds, site_rows):
                if n is None:
                    per_video.append(row["rules_learner"])
                    continue
                exp = label_counts(f["test_corpus"], f["test_rows"])
                counts, learned = sg.eval([f["test"]], [exp], train=f["train"], min_per_class=n)
                per_video.append(dict(counts[0], learned=learned))
            t = {}
            for v in per_video:
                t = add(t, v)
            active = sum(1 for v in per_video if v["learned"]["active"])
            worst = min(per_video, key=lambda v: pct(v["caught"], v["spam"]))
            gate["rows"].append({"min_per_class": n if n is not None else gate_default, "label": label,
                                 "videos": [dict(v, fold=f["fold"]) for v, f in zip(per_video, site_folds)],
                                 "total": t, "learner_active": active})
            print(f"{label:17}{cell(t['caught'], t['spam']):<19}{cell(t['fp'], t['ham']):<19}"
                  f"{f'{active}/{len(per_video)} videos':<16}{cell(worst['caught'], worst['spam']).strip()}")
    print()

    # no training at all: the rules, and FUZZY fed only by what they reject
    print("== no training at all: rules alone, and rules + FUZZY fed by the rows the rules reject (in file order)")
    no_training = []
    rules_whole, _ = sg.eval([c.path for c in corpora], [label_counts(c) for c in corpora])
    # everything as served, taught nothing: the learner (0 spam / 0 ham) and FUZZY (no mark)
    untaught_path = corpora[0].write(os.path.join(args.tmp, "untaught.csv"), [])
    untaught, untaught_learned = sg.eval([c.path for c in corpora], [label_counts(c) for c in corpora],
                                         train=[untaught_path], fuzzy=FUZZY_LIVE)
    untaught_same = all({k: u[k] for k in ("caught", "fp")} == {k: r[k] for k in ("caught", "fp")}
                        for u, r in zip(untaught, rules_whole))
    print(f"{'video':21}{'rules alone':<40}{'rules + FUZZY from rejects':<40}FUZZY hits spam/ham")
    for c, rc in zip(corpora, rules_whole):
        fz, _ = sg.eval([c.path], [label_counts(c)], fuzzy={"from_rejects": True})
        fz = fz[0]
        no_training.append({"fold": c.stem, "rules": rc, "rules_fuzzy_rejects": fz})
        print(f"{c.stem:21}{cell(rc['caught'], rc['spam']) + ' ' + cell(rc['fp'], rc['ham']):<40}"
              f"{cell(fz['caught'], fz['spam']) + ' ' + cell(fz['fp'], fz['ham']):<40}"
              f"{fz['fuzzy']['hits']['spam']}/{fz['fuzzy']['hits']['ham']}")
    nt_rules, nt_fuzzy = {}, {}
    for r in no_training:
        nt_rules, nt_fuzzy = add(nt_rules, r["rules"]), add(nt_fuzzy, r["rules_fuzzy_rejects"])
    nt_hits = sum(r["rules_fuzzy_rejects"]["fuzzy"]["hits"]["spam"] + r["rules_fuzzy_rejects"]["fuzzy"]["hits"]["ham"]
                  for r in no_training)
    print(f"{'total':21}{cell(nt_rules['caught'], nt_rules['spam']) + ' ' + cell(nt_rules['fp'], nt_rules['ham']):<40}"
          f"{cell(nt_fuzzy['caught'], nt_fuzzy['spam']) + ' ' + cell(nt_fuzzy['fp'], nt_fuzzy['ham']):<40}")
    print("  (caught, then ham held; FUZZY taught by marks only has no example without training: the rules' verdicts)")
    print()

    # small site: the first few marked spam and 4x as much ham of the even rows, test on the odd rows
    small_dir = os.path.join(args.tmp, "small")
    os.makedirs(small_dir)
    small = []
    small_systems = (("rules", "rules alone"), ("rules_learner", "rules + learner"),
                     ("rules_learner_fuzzy", "rules + learner + FUZZY"), ("bogofilter", "bogofilter"))
    for k in SMALL_SITE_SPAM:
        folds = []
        for c, site_fold, site_row in zip(corpora, site_folds, site_rows):
            even = c.rows[0::2]
            train_rows = small_site_train(c, even, k)
            train_path = c.write(os.path.join(small_dir, f"{c.stem}.small{k}.csv"), train_rows)
            exp = label_counts(c, site_fold["test_rows"])
            lr, learned = sg.eval([site_fold["test"]], [exp], train=[train_path])
            fz, _ = sg.eval([site_fold["test"]], [exp], train=[train_path], fuzzy=FUZZY_LIVE)
            fold_dir = os.path.join(args.tmp, f"bogofilter-small{k}-{c.stem}")
            os.makedirs(fold_dir)
            bogo = bogofilter_fold(fold_dir, list(c.comments(train_rows)), list(c.comments(site_fold["test_rows"])))
            folds.append({"fold": c.stem, "train_rows": label_counts(c, train_rows), "rules": site_row["rules"],
                          "rules_learner": dict(lr[0], learned=learned),
                          "rules_learner_fuzzy": dict(fz[0], learned=learned), "bogofilter": bogo})
        total = {"fold": "total"}
        for key, _ in small_systems:
            t = {}
            for r in folds:
                t = add(t, r[key])
            total[key] = t
        small.append({"spam_marked": k, "folds": folds, "total": total})
        print_table(f"small site: per video, train on the first {k} spam and {4 * k} ham of the even rows "
                    "(in their order), test on the odd rows", folds, total, bogo_settings, small_systems)

    # targets
    targets = []

    def target(name, ok, figure):
        targets.append({"target": name, "pass": bool(ok), "figure": figure})
        print(f"  {'PASS' if ok else 'MISS'}  {name}: {figure}")

    def figures(c):
        return (f"caught {cell(c['caught'], c['spam']).strip()}, "
                f"ham held {cell(c['fp'], c['ham']).strip()}")

    def within(c, min_caught):
        return pct(c["caught"], c["spam"]) >= min_caught and pct(c["fp"], c["ham"]) <= MAX_HAM_HELD

    def ahead(ours, theirs):
        # more spam caught, while holding no more ham than bogofilter or than the 1 % target
        return (pct(ours["caught"], ours["spam"]) > pct(theirs["caught"], theirs["spam"]) and
                pct(ours["fp"], ours["ham"]) <= max(pct(theirs["fp"], theirs["ham"]), MAX_HAM_HELD))

    print("== targets (rules + learner; small site and no training: with FUZZY, as served)")
    target("cross total >= 90 % caught, <= 1 % ham held", within(cross_total["rules_learner"], CROSS_MIN_CAUGHT),
           figures(cross_total["rules_learner"]))
    for row in site_rows:
        target(f"site {row['fold']} >= 90 % caught, <= 1 % ham held",
               within(row["rules_learner"], SITE_MIN_CAUGHT), figures(row["rules_learner"]))
    for name, total in (("cross", cross_total), ("site", site_total)):
        target(f"{name}: ahead of bogofilter (catches more, holds no more ham than it or 1 %)",
               ahead(total["rules_learner"], total["bogofilter"]),
               f"{figures(total['rules_learner'])} vs bogofilter {figures(total['bogofilter'])}")
    for entry in small:
        t = entry["total"]
        ours, rules_t = t["rules_learner_fuzzy"], t["rules"]
        if entry["spam_marked"] == 10:
            target("small site, 10 marked spam: >= 60 % caught, <= 1 % ham held",
                   within(ours, SMALL_SITE_MIN_CAUGHT), figures(ours))
        if entry["spam_marked"] == 5:
            target("small site, 5 marked spam: catches more than rules alone, holds no more ham",
                   pct(ours["caught"], ours["spam"]) > pct(rules_t["caught"], rules_t["spam"]) and
                   pct(ours["fp"], ours["ham"]) <= pct(rules_t["fp"], rules_t["ham"]),
                   f"{figures(ours)} vs rules alone {figures(rules_t)}")
        target(f"small site, {entry['spam_marked']} marked spam: ahead of bogofilter",
               ahead(ours, t["bogofilter"]), f"{figures(ours)} vs bogofilter {figures(t['bogofilter'])}")
    nt_untaught = {}
    for u in untaught:
        nt_untaught = add(nt_untaught, u)
    target("no training at all: exactly the rules' verdicts (rules + learner + FUZZY taught nothing)",
           untaught_same and untaught_learned["spam"] == 0 and untaught_learned["ham"] == 0,
           f"every video: {figures(nt_untaught)} vs rules alone {figures(nt_rules)}")
    target("no training at all, FUZZY fed by rejects (fuzzy_from_rejects): the rules' verdicts",
           nt_hits == 0, f"FUZZY hit {nt_hits} rows; {figures(nt_fuzzy)} vs rules alone {figures(nt_rules)}")
    elapsed = time.monotonic() - started
    print()
    print(f"{sg.calls} spamgate eval runs, {10 + 5 * len(SMALL_SITE_SPAM)} bogofilter folds, {elapsed:.1f} s; "
          f"figures in {args.out}")

    results = {
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "spamgate": args.spamgate, "config": args.config, "corpus": args.corpus,
        "definitions": {
            "caught": "spam held or rejected (bogofilter: classified S)",
            "fp": "ham held or rejected (bogofilter: classified S)",
            "unsure_spam/unsure_ham": "bogofilter Unsure (ham_cutoff < spamicity < spam_cutoff), not counted as caught/fp",
        },
        "bogofilter": {"settings": bogo_settings, "options": "-C (no config file: Debian's defaults)"},
        "protocols": {
            "cross": {"description": "leave one video out: train on the other four videos, test on this one",
                      "folds": cross_rows, "total": cross_total},
            "site": {"description": "per video: data rows at even 0-based positions train, odd ones test",
                     "folds": site_rows, "total": site_total},
        },
        "gate": gate,
        "no_training": {"folds": no_training, "rules": nt_rules, "rules_fuzzy_rejects": nt_fuzzy,
                        "untaught": untaught},
        "small_site": small,
        "fuzzy_live": FUZZY_LIVE,
        "targets": targets,
        "elapsed_seconds": round(elapsed, 1),
    }
    # the temporary file names mean nothing once the run is over
    for proto in results["protocols"].values():
        for r in proto["folds"]:
            r["train"] = [os.path.basename(p) for p in r["train"]]
            r["test"] = os.path.basename(r["test"])
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    tmp_out = args.out + ".tmp"
    with open(tmp_out, "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=2, sort_keys=False)
        fh.write("\n")
    os.replace(tmp_out, args.out)


if __name__ == "__main__":
    try:
        main()
    except EvalError as e:
        print(f"scripts/eval: {e}", file=sys.stderr)
        sys.exit(1)
