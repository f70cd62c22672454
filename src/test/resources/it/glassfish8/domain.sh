#!/bin/sh
# Creates and starts, or stops, the GlassFish 8 domain of the matrix profile (see pom.xml). Not
# Cargo: Cargo 1.10.20's glassfish8x runs asadmin as `java -jar glassfish/modules/admin-cli.jar`,
# and GlassFish 8.0.0 has neither that file nor a runnable admin-cli.jar (its asadmin runs
# org.glassfish.admin.cli.AsadminMain on a module path). So this does what Cargo does for GlassFish 7:
# a fresh domain on the ports it is given, with the admin password of ../glassfish/admin-password.txt.
#
# usage: domain.sh start|stop <domains dir>
# with ASADMIN (GlassFish's bin/asadmin), AS_JAVA (a Java 21+ JDK) and AS_ADMIN_PASSWORDFILE in the
# environment, and for start the ports: ADMIN_PORT HTTP_PORT HTTPS_PORT JMS_PORT IIOP_PORT
# IIOPS_PORT IIOP_MUTUALAUTH_PORT JMX_PORT DEBUGGER_PORT OSGI_PORT.
set -eux
command=$1 domains=$2
domain=domain1

case $command in
start)
    # Cargo's unzip drops the executable bits.
    chmod +x "$ASADMIN" "$(dirname "$ASADMIN")/../glassfish/bin/asadmin"
    rm -rf "${domains:?}/$domain"
    mkdir -p "$domains"
    "$ASADMIN" --interactive=false --user admin --passwordfile "$AS_ADMIN_PASSWORDFILE" create-domain \
        --domaindir "$domains" --adminport "$ADMIN_PORT" --instanceport "$HTTP_PORT" \
        --domainproperties "http.ssl.port=$HTTPS_PORT:jms.port=$JMS_PORT:orb.listener.port=$IIOP_PORT:orb.ssl.port=$IIOPS_PORT:orb.mutualauth.port=$IIOP_MUTUALAUTH_PORT:domain.jmxPort=$JMX_PORT:java.debugger.port=$DEBUGGER_PORT:osgi.shell.telnet.port=$OSGI_PORT" \
        "$domain"
    # create-domain writes the JMS port it is given into default-config only; server-config keeps
    # 7676 (as in GlassFish 7.0.21, where the default build passes -DJMS_PROVIDER_PORT instead).
    sed -i "s/name=\"JMS_PROVIDER_PORT\" value=\"7676\"/name=\"JMS_PROVIDER_PORT\" value=\"$JMS_PORT\"/" \
        "$domains/$domain/config/domain.xml"
    "$ASADMIN" --interactive=false start-domain --domaindir "$domains" "$domain"
    ;;
stop)
    "$ASADMIN" --interactive=false stop-domain --domaindir "$domains" "$domain"
    ;;
*)
    echo "usage: domain.sh start|stop <domains dir>" >&2
    exit 2
    ;;
esac
