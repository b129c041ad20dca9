# tools/tito/cmd/data.sh — ./tito data: not available yet.

usage_data() {
    cat <<EOF2
usage: ./tito data

Planned: download and verify the datasets (MNIST, Fashion-MNIST, CIFAR-10, text corpora) from
the manifest in datasets/ with their checksums (DESIGN.md §6). It arrives together with the
dataset readers of module 05 (dataloader) and the datasets/ manifest.

Until then, point TINYTORCH_DATA_DIR at a folder that holds the files (the layout of
../shared/datasets beside the checkout), or use the small embedded sets; ./tito doctor shows the
data folder in use.
EOF2
}

run_data() {
    err "./tito data is not available yet: it arrives with the datasets/ manifest and module 05's readers."
    say "Meanwhile: export TINYTORCH_DATA_DIR=/path/to/datasets   (./tito doctor shows what is found)" >&2
    exit 2
}
