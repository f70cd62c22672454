# JVM settings for the benchmark's Tomcat: what a production deployment would set.
# A fixed 1 GiB heap (no resizing during a run), G1 (the default collector) and nothing exotic;
# the heap figures of scenario e are measured after a full GC, so the heap size does not move them.
CATALINA_OPTS="-Xms1g -Xmx1g -XX:+UseG1GC"
