"""Command line -> the same `rag` functions the Python API, chat window and eval use.

    rag index [PATH]          build the index (default: seeds/)
    rag ask "QUESTION"        answer with cited snippets (--json for machines)
    rag eval [--beir D | --squad F | --news D...]  metrics: seed set, BEIR, SQuAD 2.0 or news sets
    rag chat                  open the chat window on 127.0.0.1
    rag bench [BEIR_DIR]      ingest, memory, latency and nDCG@10 beside LlamaIndex (default: SciFact)

Errors a user can fix are printed as one line on stderr with exit status 1; this is the only
place (with the UI) that turns `RagError`s into messages.
"""

from __future__ import annotations

import argparse
import codecs
import json
import locale
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from .config import CHUNK_VECTORS, EMBED_BACKENDS, GENERATORS, MODES, READERS, SENTENCE_VECTORS, STORES, Config
from .errors import RagError


def _config_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("settings (flags beat RAG_* environment variables beat defaults)")
    g.add_argument("--index-dir", type=Path, help="index folder (default: index/)")
    g.add_argument("--corpus", type=Path, help="articles to index when no index exists (default: seeds/)")
    g.add_argument("--mode", choices=MODES, help=f"retrieval mode (default: {Config.mode})")
    g.add_argument("--top-k", type=int, help="passages retrieved per question (default: 5)")
    g.add_argument("--generator", choices=GENERATORS, help="who writes the answer: extractive (default, no model), "
                   "local (a GGUF model in-process) or openai (an OpenAI-compatible endpoint)")
    g.add_argument("--reader", choices=READERS, help="who reads the sentence to be quoted when the evidence leaves "
                   "it in doubt whether it answers: off (default) or local (the bundled 1.5B model, about 1 s)")
    g.add_argument("--chunk-tokens", type=int, help="chunk size in cl100k_base tokens (default: 200)")
    g.add_argument("--chunk-overlap", type=int, help="overlap between chunks in tokens (default: 40)")
    g.add_argument("--store", choices=STORES, help="vector store: faiss (default, files in the index folder) or milvus "
                   "(RAG_MILVUS_URI: a Milvus Lite .db file, default <index-dir>/milvus.db, or http://host:19530)")
    g.add_argument("--embed-backend", choices=EMBED_BACKENDS, help=f"who runs the embedding model (default: "
                   f"{Config.embed_backend}); the index records it, so changing it needs `rag index`")
    g.add_argument("--sentence-vectors", choices=SENTENCE_VECTORS, help="each sentence's vector: separate (embedded "
                   "alone) or pooled (from its chunk's token vectors, no second pass); "
                   f"default {Config.sentence_vectors}; changing it needs `rag index`")
    g.add_argument("--chunk-vectors", choices=CHUNK_VECTORS, help="each chunk's vector: embedded (the chunk read "
                   "whole) or sentences (the token-weighted mean of its headline's and sentences' own vectors, no "
                   f"chunk pass); default {Config.chunk_vectors}; changing it needs `rag index`")


def _config(args: argparse.Namespace, **extra) -> Config:
    return Config.load(
        index_dir=args.index_dir,
        corpus=args.corpus,
        mode=args.mode,
        top_k=args.top_k,
        generator=args.generator,
        reader=args.reader,
        chunk_tokens=args.chunk_tokens,
        chunk_overlap=args.chunk_overlap,
        store=args.store,
        embed_backend=args.embed_backend,
        sentence_vectors=args.sentence_vectors,
        chunk_vectors=args.chunk_vectors,
        **extra,
    )


def cmd_index(args) -> int:
    from .build import index

    cfg = _config(args, progress=False if args.quiet or not sys.stderr.isatty() else None,
                  lock_wait=float("inf") if args.wait else None)
    report = index(args.path, config=cfg)
    ch = report.changes
    if report.up_to_date:
        print(f"the index in {report.folder} is up to date: {report.documents} articles, {report.chunks} chunks, "
              f"{report.sentences} sentences; nothing to do ({report.seconds:.1f}s)")
    else:
        print(f"indexed {report.documents} articles -> {report.chunks} chunks, {report.sentences} sentences "
              f"in {report.seconds:.1f}s ({report.chunks_per_second:.0f} chunks/s) into {report.folder}")
        print(f"  articles: {len(ch.added)} added, {len(ch.changed)} changed, {len(ch.removed)} removed, "
              f"{len(ch.redone)} redone, {len(ch.unchanged)} unchanged"
              + (f" (built whole: {report.rebuilt})" if report.rebuilt else ""))
        print(f"  vectors: {report.embedded} embedded, {report.cached} from the cache, {report.kept} kept")
    if args.verbose or len(ch.added) + len(ch.changed) + len(ch.removed) + len(ch.redone) <= 20:
        for what in ("added", "changed", "removed"):
            for doc_id in getattr(ch, what) if not report.rebuilt else ():
                print(f"  {doc_id}: {what}")
    for doc_id in ch.redone:
        print(f"  {doc_id}: redone, its cleaned text changed though its file did not "
              "(lines repeated across articles, or a newer cleaning rule)")
    for doc_id, lines in report.removed.items():
        print(f"  {doc_id}: removed {len(lines)} boilerplate line(s)")
        if args.verbose:
            for line in lines:
                print(f"      - {line[:110]}")
    for doc_id in report.skipped:
        print(f"  {doc_id}: skipped, no text after cleaning")
    for doc_id, why in report.left_out.items():
        print(f"  {doc_id}: left out, {why}")
    for doc_id, note in report.decoding.items():
        print(f"  {doc_id}: {note}")
    return 0


def _index_or_corpus(args, cfg: Config) -> Config:
    """A folder named with --index-dir that holds no index is not filled with the default corpus
    unasked (a failed `rag index` there would otherwise be followed by answers from seeds/)."""
    if args.index_dir is not None and args.corpus is None and not (cfg.index_dir / "manifest.json").exists():
        from .errors import IndexMissingError

        raise IndexMissingError(f"no index in {cfg.index_dir}: build one with `rag index FOLDER --index-dir "
                                f"{cfg.index_dir}`, or add --corpus FOLDER to build it from FOLDER now")
    return cfg


def cmd_ask(args) -> int:
    from .api import answer
    from .retrieve import Filters

    cfg = _index_or_corpus(args, _config(args))
    filters = Filters(tuple(args.source or ()), args.date_from, args.date_to)
    question, replaced = _argument_text(args.question)
    if replaced:
        print("note: the question is not valid UTF-8; bytes that could not be decoded became U+FFFD", file=sys.stderr)
    with _notes():
        result = answer(question, config=cfg, filters=filters)
    if result.checks.get("fallback"):  # the model could not answer: say why, in one line
        print(f"note: {result.checks['fallback']}; the answer is quoted instead", file=sys.stderr)
    elif result.checks.get("quoted"):  # the model was not asked: the evidence points at several sentences
        print(f"note: {result.checks['quoted']}", file=sys.stderr)
    if result.standalone:  # what was searched, where that is not the question as asked ("IOM" spelled out)
        print(f"note: searched as: {result.standalone}", file=sys.stderr)
    if args.json:
        # Escaped (lossless) JSON when the terminal cannot show every character.
        utf8 = codecs.lookup(getattr(sys.stdout, "encoding", None) or "ascii").name == "utf-8"
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=not utf8))
        return 0
    print(result.text)
    if result.abstained:
        if result.reason:  # why, in one line: "the articles never mention 2015"
            print(f"Why: {result.reason}")
        return 0
    print()
    for c in result.citations:
        print(f"[{c.n}] {c.title} ({c.source}{', ' + c.date if c.date else ''})")
        # A snippet that opens a quotation is shown as it is, not wrapped in a second pair of marks.
        print(f"    {c.snippet}" if c.snippet[:1] in "\"“„«'‘" else f"    \"{c.snippet}\"")
        if c.url:
            print(f"    {c.url}")
    return 0


def _argument_text(arg: str) -> tuple[str, bool]:
    """A command-line argument as text, and whether some of its bytes had to be replaced.

    Python decodes argv with the filesystem encoding and "surrogateescape": a byte that encoding
    cannot decode (0xE9, a Latin-1 "é", under a UTF-8 locale) arrives as a lone surrogate
    (U+DCE9) that no text library accepts. `os.fsencode` gives back the exact bytes. If the
    locale's own encoding is not the one Python used (UTF-8 mode in a Latin-1 locale) and
    decodes them, that is what the terminal sent. Otherwise they are decoded as UTF-8 with
    errors="replace": U+FFFD stands for what cannot be decoded, the rest of the question intact. Latin-1
    is not guessed against a UTF-8 locale: every byte string "decodes" as Latin-1, so a wrong
    guess (cp1251, KOI8-R, a cut UTF-8 sequence) would become confident mojibake rather than an
    honest unknown character.
    """
    if not any("\ud800" <= ch <= "\udfff" for ch in arg):
        return arg, False
    raw = os.fsencode(arg)
    try:
        local = codecs.lookup(locale.getencoding()).name
        if local != codecs.lookup(sys.getfilesystemencoding()).name:
            return raw.decode(local), False
    except (LookupError, UnicodeDecodeError):
        pass
    return raw.decode("utf-8", errors="replace"), True


def cmd_eval(args) -> int:
    cfg = _config(args, progress=None if sys.stderr.isatty() else False)
    if args.squad:
        from eval.qa import format_table
        from eval.squad import run_squad

        result = run_squad(args.squad, cfg, max_questions=args.max_questions, index_dir=args.beir_index)
        if result.get("held_out") and not args.json:
            print(format_table(result["held_out"]) + "\n")
            print(f"fitted on {', '.join(result['fitted_articles'])}; all questions:")
    elif args.news:
        from eval.news import run_news
        from eval.qa import format_table

        result = run_news(args.news, cfg, args.beir_index)
        if not args.json:
            print("\n".join(f"{name}: right {m['right']:.3f}  cited {m['cited']:.3f}  wrongly refused "
                             f"{m['wrongly_refused']:.3f}  refused {m['refused']:.3f}" for name, m in result["sets"].items()) + "\n")
    elif args.beir:
        from eval.benchmark import format_table, run_beir

        modes = args.modes.split(",") if args.modes else list(MODES)
        result = run_beir(args.beir, cfg, modes=modes, max_queries=args.max_queries, index_dir=args.beir_index)
    else:
        from eval.qa import format_table, run_qa

        result = run_qa(args.set, cfg)
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0


def cmd_bench(args) -> int:
    from eval.bench import format_table, run_bench

    cfg = _config(args, progress=None if sys.stderr.isatty() else False)
    result = run_bench(args.beir_dir, cfg, max_docs=args.max_docs)
    text = format_table(result)
    if args.synthetic:  # each vector store at scale, on synthetic vectors (eval/synthetic.py)
        from eval.synthetic import format_synthetic, run_synthetic

        result["synthetic"] = run_synthetic(args.synthetic, cfg=cfg, log=lambda line: print(line, file=sys.stderr, flush=True))
        text += "\n\n" + format_synthetic(result["synthetic"])
    print(json.dumps(result, indent=2) if args.json else text)
    return 0


def cmd_chat(args) -> int:
    from ui.app import main as launch

    launch(host=args.host, port=args.port, config=_index_or_corpus(args, _config(args)), auth_file=args.auth_file)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rag", description="Grounded, cited answers from news articles.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("index", help="build the index from a folder of articles")
    s.add_argument("path", nargs="?", type=Path, help="folder or file of .txt/.md/.html articles (default: seeds/)")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    s.add_argument("-v", "--verbose", action="store_true", help="list every boilerplate line removed")
    s.add_argument("--wait", action="store_true", help="if another `rag index` is writing this index, wait for it "
                   "(default: refuse after lock_wait seconds, RAG_LOCK_WAIT)")
    _config_flags(s)
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("ask", help="answer a question with cited snippets")
    s.add_argument("question")
    s.add_argument("--json", action="store_true", help="print the answer as JSON")
    s.add_argument("--source", action="append", help="only search this article (repeatable)")
    s.add_argument("--date-from", help="only articles dated on or after (YYYY-MM-DD)")
    s.add_argument("--date-to", help="only articles dated on or before (YYYY-MM-DD)")
    _config_flags(s)
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("eval", help="evaluate on the seed question set or a BEIR dataset")
    s.add_argument("--set", type=Path, default=Path(__file__).resolve().parent.parent / "eval" / "seeds.jsonl",
                   help="question set (JSONL; default: eval/seeds.jsonl)")
    s.add_argument("--beir", type=Path, help="BEIR-format folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)")
    s.add_argument("--modes", help=f"comma-separated modes for --beir (default: all of {','.join(MODES)})")
    s.add_argument("--max-queries", type=int, help="with --beir: only the first N queries")
    s.add_argument("--squad", type=Path, help="a SQuAD 2.0 JSON file: answers and refusals over its articles")
    s.add_argument("--news", type=Path, nargs="+", metavar="DIR",
                   help="news sets (articles/ + questions.jsonl; see eval/news.py), or folders of them such as eval/news")
    s.add_argument("--max-questions", type=int, help="with --squad: N questions sampled with a fixed seed, same mix")
    s.add_argument("--beir-index", type=Path, help="with --beir or --squad: where to keep its index; with --news, the "
                   "folder of the sets' indexes (default: a cache folder)")
    s.add_argument("--json", action="store_true", help="print the metrics as JSON")
    _config_flags(s)
    s.set_defaults(func=cmd_eval)

    from eval.bench import DEFAULT_DIR

    s = sub.add_parser("bench", help="ingest speed, memory, query latency and nDCG@10 beside LlamaIndex")
    s.add_argument("beir_dir", nargs="?", type=Path, default=DEFAULT_DIR, help="BEIR-format folder (default: ../shared/data/scifact)")
    s.add_argument("--max-docs", type=int, help="only the first N documents (and the queries judged on them), for a quick run")
    s.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    from eval.synthetic import SIZES, parse_sizes

    s.add_argument("--synthetic", nargs="?", const=SIZES, type=parse_sizes, metavar="SIZES",
                   help="also each vector store's build time, memory, query p50/p95 and recall@10 on synthetic 384-d "
                   "vectors at these sizes (default 100000,1000000; heavy: minutes)")
    _config_flags(s)
    s.set_defaults(func=cmd_bench)

    s = sub.add_parser("chat", help="open the chat window")
    s.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default: 127.0.0.1, this machine only; 0.0.0.0 opens it to the network)")
    s.add_argument("--port", type=int, default=7860, help="port (default: 7860)")
    s.add_argument("--auth-file", type=Path, help="require a login: a file of user:password lines")
    _config_flags(s)
    s.set_defaults(func=cmd_chat)
    return p


def main(argv: list[str] | None = None) -> int:
    # An answer quotes its articles ("Nešić", curly quotes): a terminal whose encoding lacks a
    # character shows "?" for it rather than the command dying with a UnicodeEncodeError.
    if callable(getattr(sys.stdout, "reconfigure", None)):
        sys.stdout.reconfigure(errors="replace")
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except RagError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # a folder we cannot write, a full disk: the user's to fix
        why = err.strerror or str(err)
        if err.errno is None and _disk_full(getattr(args, "index_dir", None)):  # numpy: "32 requested and 15 written"
            why = f"no space left on device ({why})"
        print(f"error: {why}: {err.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


@contextmanager
def _notes():
    """What a build set off by a question says (an index of another version of rag rebuilt), as `note:`
    lines on stderr: a rebuild may take a while, and the user should know why."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("note: %(message)s"))
    log = logging.getLogger("rag.build")
    log.addHandler(handler)
    try:
        yield
    finally:
        log.removeHandler(handler)


def _disk_full(index_dir) -> bool:
    """Is the disk that holds the index (nearly) full? Some writers say only how much they wrote."""
    import shutil

    try:
        return shutil.disk_usage(index_dir or Config().index_dir).free < 1_000_000
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
