#!/bin/sh
# SPDX-License-Identifier: ISC
# dns-hook.sh -- a dns-01 hook for the tests: "dns-hook.sh add|remove NAME
# VALUE" sets or clears the TXT record NAME in pebble-challtestsrv through
# its management API (127.0.0.1:$CTS_MGMT), and logs the call to
# $HOOK_LOG.  $HOOK_SLEEP seconds of sleep before an add (for the
# cancellation test); $HOOK_FAIL makes an add fail with a message.
set -u
verb=$1 name=$2 value=$3
echo "$verb $name $value" >>"$HOOK_LOG"
case $verb in
add)
	if [ -n "${HOOK_SLEEP:-}" ]; then
		sleep "$HOOK_SLEEP" &
		echo $! >"$HOOK_LOG.sleep"
		wait $!
	fi
	if [ -n "${HOOK_FAIL:-}" ]; then
		echo "provider says: $HOOK_FAIL" >&2
		exit 3
	fi
	curl -sf -d "{\"host\":\"$name.\",\"value\":\"$value\"}" \
	    "http://127.0.0.1:$CTS_MGMT/set-txt" ;;
remove)
	curl -sf -d "{\"host\":\"$name.\"}" \
	    "http://127.0.0.1:$CTS_MGMT/clear-txt" ;;
*)
	echo "unknown verb $verb" >&2
	exit 2 ;;
esac
