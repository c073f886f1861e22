#!/usr/bin/env bash
# Whole-process wall time and peak memory of `quire build`, median of RUNS runs after one untimed build,
# for the bundled article, for a long book made from it by `longbook`, and for the
# test manuscript of every block the print edition sets (tests/manuscripts/print-blocks.md).
#
#   bench/run.sh [RUNS] [CHAPTERS]      # defaults: 9 runs, 50 chapters
#
# Builds release first (honours CARGO_TARGET_DIR). Needs GNU time at /usr/bin/time.
# Prints one line per case: editions, median wall seconds, median CPU seconds (user +
# system: more than the wall time when the editions' threads run side by side), median
# peak RSS in MB (GNU time's %M), and the spread (min–max wall seconds), then one
# --timings breakdown per book. When pandoc (Debian) is on the PATH, and typst (its
# binary, or PyPI's `pip install typst`) too, the long book is also set by them in the
# same run, and the ratios are printed: typst's PDF against quire's, pandoc's EPUB against quire's. Wall time is read from bash's $EPOCHREALTIME around the whole process,
# because GNU time's %e has only 10 ms resolution; it includes starting
# /usr/bin/time itself (about 1 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-9}
chapters=${2:-50}
target=${CARGO_TARGET_DIR:-target}

cargo build --release --quiet --bins
quire="$target/release/quire"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$target/release/longbook" manuscript/russia-1917.md "$chapters" "$work/longbook.md"
words=$(wc -w < "$work/longbook.md")
# One paragraph of a megabyte: the line breaker's active list and the text
# preparation must stay linear within a paragraph, not only across paragraphs.
{
    printf '+++\ntitle = "One paragraph"\nauthor = "A. Writer"\nlanguage = "en"\n+++\n\n'
    awk 'BEGIN { split("revolution workers the soviets took power and held it", w, " ")
                 for (n = 0; n < 1000000; i++) { printf "%s ", w[i % 9 + 1]; n += length(w[i % 9 + 1]) + 1 }
                 print "" }'
} > "$work/paragraph.md"

extra=()
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

measure() { # label manuscript format...
    local label=$1 manuscript=$2
    shift 2
    local formats=()
    [ $# -gt 0 ] && formats=(--format "$(IFS=,; echo "$*")")
    : > "$work/times"
    local start end
    # One build first, not timed: the runs that follow are rebuilds, which read back
    # the cache this one writes (the first of nine was otherwise a first build,
    # and the case run first paid too for what the machine had not yet loaded).
    "$quire" build "$manuscript" --out "$work/out" "${formats[@]}" "${extra[@]}" > /dev/null 2>&1 || true
    for _ in $(seq "$runs"); do
        start=$EPOCHREALTIME
        /usr/bin/time -f "%M %U %S" -o "$work/rss" \
            "$quire" build "$manuscript" --out "$work/out" "${formats[@]}" "${extra[@]}" > /dev/null 2>&1
        end=$EPOCHREALTIME
        read -r rss user sys < "$work/rss"
        echo "$(echo "$end - $start" | bc -l) $rss $(echo "$user + $sys" | bc -l)" >> "$work/times"
    done
    local secs kb cpu
    secs=$(cut -d' ' -f1 "$work/times" | median)
    kb=$(cut -d' ' -f2 "$work/times" | median)
    cpu=$(cut -d' ' -f3 "$work/times" | median)
    printf '%-28s %-5s %6.3f s  cpu %6.2f s  %6.1f MB   (%.3f–%.3f s)\n' "$label" "${*:-all}" "$secs" "$cpu" "$(echo "$kb / 1024" | bc -l)" \
        "$(cut -d' ' -f1 "$work/times" | sort -n | head -1)" "$(cut -d' ' -f1 "$work/times" | sort -n | tail -1)"
    last=$secs
}

# The median wall time of a command run $runs times.
time_of() {
    : > "$work/others"
    for _ in $(seq "$runs"); do
        local start=$EPOCHREALTIME
        "$@" > /dev/null 2>&1
        echo "$(echo "$EPOCHREALTIME - $start" | bc -l)" >> "$work/others"
    done
    median < "$work/others"
}

echo "quire $("$quire" --version | cut -d' ' -f2), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), median of $runs runs"
measure "article" manuscript/russia-1917.md
# The build's cache (src/build/cache.rs) keeps the EPUB's drawn cover and each edition's
# pack of font subsets and deflated streams: the runs above read them back, as a rebuild
# does (`quire watch`); these make everything every time, as a first build does.
QUIRE_CACHE_DIR= measure "article, nothing cached" manuscript/russia-1917.md
measure "article" manuscript/russia-1917.md epub
measure "article" manuscript/russia-1917.md pdf
# Past 64 pages a booklet is written only in signatures (gatherings of 4 sheets).
extra=(--signatures)
measure "long book ($chapters ch, $words w)" "$work/longbook.md"
QUIRE_CACHE_DIR= measure "long book, nothing cached" "$work/longbook.md"
extra=()
measure "long book ($chapters ch, $words w)" "$work/longbook.md" epub
quire_epub=$last
measure "long book ($chapters ch, $words w)" "$work/longbook.md" pdf
quire_pdf=$last
QUIRE_CACHE_DIR= measure "long book, nothing cached" "$work/longbook.md" pdf
if command -v pandoc > /dev/null; then
    pandoc_epub=$(time_of pandoc "$work/longbook.md" -o "$work/pandoc.epub")
    printf '%-28s %-5s %6.3f s  = %.1f × quire\n' "  pandoc (same book)" epub "$pandoc_epub" "$(echo "$pandoc_epub / $quire_epub" | bc -l)"
    typst=()
    if command -v typst > /dev/null; then
        typst=(typst compile "$work/longbook.typ" "$work/typst.pdf")
    elif python3 -c 'import typst' 2> /dev/null; then
        typst=(python3 -c "import typst; typst.compile('$work/longbook.typ', output='$work/typst.pdf')")
    fi
    if [ ${#typst[@]} -gt 0 ] && pandoc "$work/longbook.md" -s -t typst -o "$work/longbook.typ" 2> /dev/null; then
        typst_pdf=$(time_of "${typst[@]}")
        printf '%-28s %-5s %6.3f s  = %.1f × quire\n' "  typst (same book)" pdf "$typst_pdf" "$(echo "$typst_pdf / $quire_pdf" | bc -l)"
    fi
fi
# The same book as a folder, a file per chapter, each chapter opening on a recto: its
# pages are broken chapter by chapter, side by side on the cores the build leaves idle.
"$target/release/longbook" manuscript/russia-1917.md "$chapters" "$work/bookfolder/"
extra=(--signatures)
measure "book folder ($chapters chapter files)" "$work/bookfolder"
extra=()
measure "book folder ($chapters chapter files)" "$work/bookfolder" pdf
measure "one 1 MB paragraph" "$work/paragraph.md"
# A book folder: thirteen chapter files, two parts, front matter (tests/books/twelve).
extra=(--signatures)
measure "book folder (13 chapter files)" tests/books/twelve
extra=()
# Figures: pictures in PNG, JPEG and SVG, with captions, wide and tall.
measure "figures (test manuscript)" tests/manuscripts/figures.md
# Citations: a bibliography file, keys cited in the text and in notes.
measure "citations (test manuscript)" tests/manuscripts/cited
# Tables (one wider than the page, one longer), lists 10 and 60 levels deep, quotes, headings, rules.
measure "print blocks (test manuscript)" tests/manuscripts/print-blocks.md
for book in manuscript/russia-1917.md "$work/longbook.md"; do
    echo
    echo "--timings, $(basename "$book") (one run; each edition on its own thread, stages summed over them):"
    signatures=()
    [ "$book" = "$work/longbook.md" ] && signatures=(--signatures)
    "$quire" build "$book" --out "$work/out" --timings "${signatures[@]}" 2>&1 >/dev/null | sed 's/^/  /'
done
