#!/bin/sh
# SPDX-License-Identifier: ISC
# srv-restart.sh DIR -- the restart command of a test server tree
# (tests/acme/lib.sh, srv_tree): stops the server running there
# (DIR/server.pid), starts it again as DIR/server.kind says -- "java"
# (tests/acme/AcmeServe.java, a real JVM reading the properties) or
# "openssl" (s_server over the PEM files the properties name) -- and
# returns once it listens on server.port.
#   DIR/restart-fails   exit 3 without touching the server
#   DIR/keep-old        exit 0 without restarting (the old certificate
#                       stays served)
d=$1
props=$d/conf/application.properties
prop() { sed -n "s/^$1=//p" "$props" | tail -n 1; }
echo "restart $(date +%s.%N)" >>"$d/restarts"
if [ -e "$d/restart-fails" ]; then
	echo "Job for app.service failed because the control process exited"
	exit 3
fi
[ -e "$d/keep-old" ] && exit 0
if [ -s "$d/server.pid" ]; then
	pid=$(cat "$d/server.pid")
	kill "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 300 ] || { kill -9 "$pid" 2>/dev/null; break; }
		sleep 0.1
	done
fi
port=$(prop server.port)
case $(cat "$d/server.kind") in
java)
	setsid timeout 600 "$SRV_JAVA" -XX:TieredStopAtLevel=1 \
	    -XX:+UseSerialGC -XX:-UsePerfData -cp "$SRV_CLASSES" AcmeServe \
	    "$props" </dev/null >>"$d/server.log" 2>&1 &
	;;
*)
	setsid timeout 600 openssl s_server -quiet -www \
	    -accept "127.0.0.1:$port" -cert "$(prop server.ssl.certificate)" \
	    -key "$(prop server.ssl.certificate-private-key)" \
	    </dev/null >>"$d/server.log" 2>&1 &
	;;
esac
echo $! >"$d/server.pid"
i=0
while [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; do
	i=$((i + 1))
	kill -0 "$(cat "$d/server.pid")" 2>/dev/null ||
	    { echo "the server died: $(tail -n 1 "$d/server.log")"; exit 1; }
	[ $i -le 600 ] || { echo "not listening after 60 s"; exit 1; }
	sleep 0.1
done
exit 0
