/**
 * The {@code frames} engine's I/O threads and buffers: a few selector loops that read the backend
 * sockets and finish their stalled writes ({@link org.wsproxy.io.IoLoop}), started with the
 * application and stopped with it, and the buffers lent to connections only while they move
 * bytes ({@link org.wsproxy.io.BufferPool}).
 */
package org.wsproxy.io;
