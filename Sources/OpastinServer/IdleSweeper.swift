import NIOCore

/// Finds line-protocol connections that sent nothing for the idle timeout: one sweep per event
/// loop every fraction of the timeout, instead of a timer per connection.
///
/// NIO's `IdleStateHandler` keeps a handler, a scheduled task and its promise for every
/// connection, about 650 bytes each — 6.5 MB for 10,000 idle connections. Here a connection
/// costs one dictionary entry; it is closed between one timeout and 1.25 timeouts (at most
/// 5 s more) after its last read.
final class IdleSweeper: Sendable {
    /// How long a connection may send nothing.
    let timeout: TimeAmount
    let eventLoop: any EventLoop
    /// The connections of this event loop, by identity; touched only on the event loop.
    private let connections: NIOLoopBoundBox<[ObjectIdentifier: ConnectionLifecycle]>
    private let sweeping: RepeatedTask

    init(timeout: TimeAmount, eventLoop: any EventLoop) {
        self.timeout = timeout
        self.eventLoop = eventLoop
        let connections = NIOLoopBoundBox.makeBoxSendingValue(
            [ObjectIdentifier: ConnectionLifecycle](), eventLoop: eventLoop)
        self.connections = connections
        let interval = TimeAmount.nanoseconds(
            max(min(timeout.nanoseconds / 4, TimeAmount.seconds(5).nanoseconds), TimeAmount.milliseconds(10).nanoseconds))
        self.sweeping = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let now = NIODeadline.now()
            // Collected first: closing a connection removes it from the dictionary.
            let idle = connections.value.values.filter { now - $0.lastActivity >= timeout }
            for connection in idle { connection.idleTimeoutReached(now: now) }
        }
    }

    /// Watches a connection; call on the event loop.
    func add(_ connection: ConnectionLifecycle) {
        connections.value[ObjectIdentifier(connection)] = connection
    }

    /// Stops watching a connection; call on the event loop.
    func remove(_ connection: ConnectionLifecycle) {
        connections.value.removeValue(forKey: ObjectIdentifier(connection))
    }

    /// Stops sweeping (the server has stopped).
    func stop() {
        sweeping.cancel()
    }
}

/// One ``IdleSweeper`` per event loop of the group.
struct IdleSweepers: Sendable {
    private let byEventLoop: [ObjectIdentifier: IdleSweeper]

    init(timeout: TimeAmount, group: any EventLoopGroup) {
        var byEventLoop: [ObjectIdentifier: IdleSweeper] = [:]
        for eventLoop in group.makeIterator() {
            byEventLoop[ObjectIdentifier(eventLoop)] = IdleSweeper(timeout: timeout, eventLoop: eventLoop)
        }
        self.byEventLoop = byEventLoop
    }

    /// The sweeper of a connection's event loop.
    func sweeper(for eventLoop: any EventLoop) -> IdleSweeper? {
        byEventLoop[ObjectIdentifier(eventLoop)]
    }

    func stop() {
        for sweeper in byEventLoop.values { sweeper.stop() }
    }
}
