/**
 * RFC 6455 frames read from bytes, for the frame relay (the second engine, issue 15): a reader
 * that reports headers and payload slices from buffers cut anywhere and refuses what a header
 * alone breaks ({@link org.wsproxy.frames.FrameReader}), and a check of text as UTF-8 across
 * frames without decoding it ({@link org.wsproxy.frames.Utf8Check}). Nothing here holds a message
 * or copies a payload; no engine uses it yet.
 */
package org.wsproxy.frames;
