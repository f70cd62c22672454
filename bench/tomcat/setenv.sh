# JVM settings for the benchmark's Tomcat: what a production deployment would set.
# A fixed 1 GiB heap (no resizing during a run), G1 (the default collector) and nothing exotic;
# the heap figures of scenario e are measured after a full GC, so the heap size does not move them.
# org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=4096 (default 8192): the README's setting for many
# connections; Tomcat's per-connection WebSocket read and write buffers, 12 KiB less heap per connection.
CATALINA_OPTS="-Xms1g -Xmx1g -XX:+UseG1GC -Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=4096"
