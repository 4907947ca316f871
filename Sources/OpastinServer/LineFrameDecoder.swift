public import NIOCore

/// One frame of the line protocol: a complete request line, or the marker for a line that
/// was over the limit and has been thrown away.
public enum LineFrame: Sendable, Equatable {
    /// A line without its `\n` (and without a trailing `\r`).
    case line([UInt8])
    /// A line longer than the limit; its bytes were discarded up to the next newline.
    case tooLong
}

/// Splits a byte stream into `\n`-terminated lines, refusing lines over a limit.
///
/// Unlike NIOExtras' `LineBasedFrameDecoder`, an over-long line is reported once as
/// ``LineFrame/tooLong`` and then skipped up to its newline, so the decoder never holds more
/// than about `maximumLineBytes` of a line, whatever a client sends, and the connection can go
/// on with the next line. The rule matches `chat --json`: a line is too long when its bytes
/// before the `\n` number more than the limit.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = LineFrame

    /// Longest line accepted, in bytes, not counting the `\n`.
    public let maximumLineBytes: Int
    /// True while skipping the rest of a line already reported as too long.
    private var discarding = false
    /// Bytes of the pending partial line already searched for a newline, so a line arriving
    /// in many small reads is scanned once, not once per read.
    private var scanned = 0

    /// Creates a decoder; the default limit is the protocol's 64 KiB.
    public init(maximumLineBytes: Int = 64 * 1024) {
        self.maximumLineBytes = max(maximumLineBytes, 1)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let searchStart = view.index(view.startIndex, offsetBy: min(scanned, view.count))
        guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            if discarding || view.count > maximumLineBytes {
                // Report the line once, then drop what has come of it so far.
                if !discarding { context.fireChannelRead(Self.wrapInboundOut(.tooLong)) }
                discarding = true
                buffer.moveReaderIndex(to: buffer.writerIndex)
                scanned = 0
            } else {
                scanned = view.count
            }
            return .needMoreData
        }
        let length = view.distance(from: view.startIndex, to: newline)
        let frame: LineFrame?
        if discarding {
            frame = nil
        } else if length > maximumLineBytes {
            frame = .tooLong
        } else {
            frame = .line(Self.strippingCarriageReturn(view[view.startIndex..<newline]))
        }
        buffer.moveReaderIndex(forwardBy: length + 1)
        discarding = false
        scanned = 0
        if let frame { context.fireChannelRead(Self.wrapInboundOut(frame)) }
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        if try decode(context: context, buffer: &buffer) == .continue { return .continue }
        // At end of input a last line without its newline still counts as a line.
        if seenEOF, !discarding, buffer.readableBytes > 0 {
            let line = Self.strippingCarriageReturn(buffer.readableBytesView)
            buffer.moveReaderIndex(to: buffer.writerIndex)
            context.fireChannelRead(Self.wrapInboundOut(.line(line)))
        }
        discarding = false
        scanned = 0
        return .needMoreData
    }

    private static func strippingCarriageReturn(_ bytes: ByteBufferView) -> [UInt8] {
        bytes.last == UInt8(ascii: "\r") ? Array(bytes.dropLast()) : Array(bytes)
    }
}
