#!/bin/sh
# demo.sh BUILD OUT - generates the demo marketplace (fixed seed), runs ringscan
# on it and says where everything is. Called by `make demo`.
set -eu
build=$1
out=$2
input="$out/input"
results="$out/results"
rm -rf "$input"
mkdir -p "$out"
echo "demo: generating a simulated marketplace (seed 42) into $input"
"$build/ringscan-gen" --seed 42 --accounts 3000 --clients 600 --days 60 --rings 6 \
    --enrich --quiet -o "$input"
echo "demo: validating the input"
"$build/ringscan" validate "$input" --quiet
echo "demo: ringscan run $input -o $results"
"$build/ringscan" run "$input" -o "$results" --seed 42
if [ -f "$results/accounts.csv" ] && [ -x "$build/ringscan-eval" ]; then
    echo "demo: scoring against the simulator's ground truth"
    "$build/ringscan-eval" "$results" "$input" --json "$out/eval.json"
fi
cat <<EOM

demo: done. Open these first:
  index.html        $results/index.html: every ring ranked, each linking to its case
  evidence/         $results/evidence/R0001/ ...: one evidence package per ring of medium
                    severity or higher (BagIt; data/report.html is the case
                    page; check a bag with 'sha256sum -c manifest-sha256.txt'
                    inside it)
Then:
  findings          $results/accounts.csv, $results/rings.json
  graph             $results/graph.graphml (rings and their neighbours)
  run record        $results/run.json
  input tables      $input/*.csv (truth.csv / truth.json hold the planted rings)
To explore the graph in Gephi: File > Open > $results/graph.graphml, then
Appearance > Nodes > Color > Partition > type (or use the colours stored in
the file), and Layout > ForceAtlas 2. Labels are the real account, IP, device
and payment ids.
EOM
geoip_dir=${RINGSCAN_GEOIP_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/ringscan/geoip}
if [ ! -f "$geoip_dir/asn-ipv4.csv" ] && [ ! -d datasets/geoip ]; then
    echo "Tip: 'make geoip' installs free IP-to-ASN and city data; runs then add IP geolocation."
fi
