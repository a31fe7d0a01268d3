# Sourced with $root set to the checkout: exports HANGAR_TEST_DIR as lib/testing/test-dir.ts computes
# it, outside the project (one directory per checkout) unless it is set already.
tmp="${TMPDIR:-/tmp}"
: "${HANGAR_TEST_DIR:=${tmp%/}/hangar-tests-$(printf %s "$(cd "$root" && pwd -P)" | sha256sum | cut -c1-12)}"
export HANGAR_TEST_DIR
