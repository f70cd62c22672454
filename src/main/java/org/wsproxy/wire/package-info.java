/**
 * The {@code frames} engine's legs: a connection relayed frame by frame below the WebSocket APIs.
 * <p>
 * Each leg reads its peer's bytes, checks them as frames ({@link org.wsproxy.wire.Inbound}) and
 * hands the data to the relay core as message parts; what the relay sends it appends as frames
 * and writes in batches ({@link org.wsproxy.wire.FrameOutput}, {@link org.wsproxy.wire.FrameWriter}).
 * Pings, pongs and the closing handshake are each leg's own ({@link org.wsproxy.wire.FrameLeg}).
 * The backend leg is a socket on wsproxy's I/O loops ({@link org.wsproxy.wire.SocketLeg}); the
 * client leg is the connection the container hands over by its upgrade: through Tomcat's own
 * upgrade interface on Tomcat ({@link org.wsproxy.wire.TomcatLeg}, the only classes that know
 * Tomcat, loaded by name there only), through the servlet API elsewhere
 * ({@link org.wsproxy.wire.UpgradeLeg}).
 */
package org.wsproxy.wire;
