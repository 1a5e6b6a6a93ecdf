#!/bin/bash
# bench/psql-check.sh: what users run today (the xinetd + psql script of the Percona
# HAProxy/xinetd how-tos), kept faithful on purpose so that bench/run compares
# against the real thing: one psql process per check running `select pg_is_in_recovery()`,
# then the HTTP answer written with echo. It does not read the request (neither does the
# original), has no deadline beyond PGCONNECT_TIMEOUT, and answers 503 whenever psql
# prints nothing. Not shipped; only for bench/run.
#
# Parameterised by the usual libpq environment: PGHOST, PGPORT, PGUSER (and PSQL for the
# psql binary), instead of the article's hard-coded values.

PSQL=${PSQL:-psql}
export PGDATABASE=${PGDATABASE:-postgres}
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}

VALUE=`$PSQL -t -c "select pg_is_in_recovery()" 2> /dev/null`

if [ $VALUE == "t" ]
then
    /bin/echo -e "HTTP/1.1 206 OK\r\n"
    /bin/echo -e "Content-Type: text/plain\r\n"
    /bin/echo -e "\r\n"
    /bin/echo "Standby"
    /bin/echo -e "\r\n"
elif [ $VALUE == "f" ]
then
    /bin/echo -e "HTTP/1.1 200 OK\r\n"
    /bin/echo -e "Content-Type: text/plain\r\n"
    /bin/echo -e "\r\n"
    /bin/echo "Primary"
    /bin/echo -e "\r\n"
else
    /bin/echo -e "HTTP/1.1 503 Service Unavailable\r\n"
    /bin/echo -e "Content-Type: text/plain\r\n"
    /bin/echo -e "\r\n"
    /bin/echo "DB Down"
    /bin/echo -e "\r\n"
fi
