#!/bin/sh
# tests/e2e/ca_rollover_restart.sh - ca_rollover.sh with both pkish
# consoles restarted between every step of the timeline.
RESTART=1 exec bash "$(dirname "$0")/ca_rollover.sh" "$@"
