#!/bin/sh
# Entrypoint of the stagecast image (API instances and workers alike): checks that DATA_DIR is
# writable by the user the image runs as before Node starts, so a bind mount the container
# cannot write to stops with the fix instead of an EACCES stack trace from deep in start-up.
set -e
dir=${DATA_DIR:-/data}
mkdir -p "$dir" 2>/dev/null || true
probe="$dir/.stagecast-write-check-$$"
if ! ( : > "$probe" ) 2>/dev/null; then
  uid=$(id -u) gid=$(id -g)
  echo "stagecast: DATA_DIR=$dir is not writable by this container's user (uid $uid, gid $gid)." >&2
  echo "stagecast: a host folder bind-mounted there must belong to that user: run 'sudo chown -R $uid:$gid <host folder>'" >&2
  echo "stagecast: on the host (or start the container with --user set to the folder's owner), or use a named volume, which the image prepares." >&2
  exit 78
fi
rm -f "$probe"
exec "$@"
