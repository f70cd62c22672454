/**
 * RFC 6455 frames as bytes, for the {@code frames} engine (and the masking keys of both): a reader that
 * reports headers and payload slices from buffers cut anywhere and refuses what a header alone
 * breaks ({@link org.wsproxy.frames.FrameReader}), a check of text as UTF-8 across frames without
 * decoding it ({@link org.wsproxy.frames.Utf8Check}), masking in place at any offset
 * ({@link org.wsproxy.frames.Masking}), header writing ({@link org.wsproxy.frames.FrameHeader}) and
 * close payloads ({@link org.wsproxy.frames.CloseFrames}), the handshake's key arithmetic
 * ({@link org.wsproxy.frames.Handshakes}) and the masking keys ({@link org.wsproxy.frames.MaskingKeys}).
 * Nothing here holds a message or copies a payload.
 */
package org.wsproxy.frames;
