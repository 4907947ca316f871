/*
 * Load client for `opastin serve`: plain C, epoll, non-blocking sockets, one thread, no
 * dependencies. Built and driven by bench/server_load.py; usable on its own:
 *
 *   gcc -O2 -o load_client bench/load_client.c
 *   load_client load HOST PORT CONNECTIONS WINDOW SECONDS REQUEST_FILE
 *   load_client idle HOST PORT CONNECTIONS
 *
 * load: each connection keeps WINDOW requests in flight (pipelined), cycling through the lines
 *   of REQUEST_FILE, for SECONDS; then it stops sending and waits for the replies still owed.
 *   Latency of a request: CLOCK_MONOTONIC when its line is written to the socket, to the
 *   arrival of its reply's newline. A reply holding `"error":` counts as an error. Prints one
 *   JSON object: connections, window, requests, errors, seconds, rps, p50_ms, p99_ms (plus
 *   connect_failed and closed: connections that failed to open or were closed by the server).
 *
 * idle: opens CONNECTIONS connections and prints one JSON line (connected, connect_failed,
 *   open_seconds); then stays silent until a line (or end of file) arrives on stdin — the
 *   caller measures the server meanwhile; then sends {"text":"hei"} on every connection and
 *   prints one JSON line: held (answered with an answer), refused (too_many_connections),
 *   failed (closed, error or no reply within 30 s).
 *
 * Only for loopback benchmarking: the counts and durations are bounded by the arguments.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void raise_fd_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

static struct sockaddr_storage server_address;
static socklen_t server_address_length;

static void resolve(const char *host, const char *port) {
    struct addrinfo hints = {0}, *found;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int status = getaddrinfo(host, port, &hints, &found);
    if (status != 0) {
        fprintf(stderr, "cannot resolve %s:%s: %s\n", host, port, gai_strerror(status));
        exit(1);
    }
    memcpy(&server_address, found->ai_addr, found->ai_addrlen);
    server_address_length = found->ai_addrlen;
    freeaddrinfo(found);
}

/* A blocking connect (loopback: fast), then non-blocking with TCP_NODELAY. -1 on failure. */
static int open_connection(void) {
    int fd = socket(server_address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&server_address, server_address_length) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* Finds `"error":` in a reply stream across reads: the state is how much of it matched. */
static const char error_key[] = "\"error\":";
static int error_step(int state, char c) {
    if (c == error_key[state]) return state + 1;
    /* The only '"' inside the key is at index 6: `"error"` followed by 'e' restarts at 2. */
    if (state == 7 && c == 'e') return 2;
    return c == '"' ? 1 : 0;
}

/* MARK: load */

struct connection {
    int fd;
    int open;
    size_t next_line;     /* index of the next request line to send */
    uint64_t *sent_at;    /* ring of send times of the requests in flight */
    int head, in_flight;  /* oldest in flight, and how many */
    char *out;            /* bytes written by us but not yet taken by the socket */
    size_t out_length, out_capacity;
    int error_state, line_has_error;
    int watching_output;  /* EPOLLOUT is on */
};

static char **lines;
static size_t *line_lengths;
static size_t line_count;

static void read_request_file(const char *path) {
    FILE *file = fopen(path, "r");
    if (!file) die(path);
    size_t capacity = 64;
    lines = malloc(capacity * sizeof *lines);
    line_lengths = malloc(capacity * sizeof *line_lengths);
    char *line = NULL;
    size_t size = 0;
    ssize_t length;
    while ((length = getline(&line, &size, file)) > 0) {
        if (line[length - 1] != '\n') { /* every request needs its newline */
            line = realloc(line, length + 2);
            line[length++] = '\n';
            line[length] = 0;
        }
        if (length == 1) continue;
        if (line_count == capacity) {
            capacity *= 2;
            lines = realloc(lines, capacity * sizeof *lines);
            line_lengths = realloc(line_lengths, capacity * sizeof *line_lengths);
        }
        lines[line_count] = strndup(line, length);
        line_lengths[line_count++] = (size_t)length;
    }
    free(line);
    fclose(file);
    if (line_count == 0) {
        fprintf(stderr, "%s holds no request lines\n", path);
        exit(1);
    }
}

static uint64_t *latencies;
static size_t latency_count, latency_capacity;

static void record_latency(uint64_t nanoseconds) {
    if (latency_count == latency_capacity) {
        latency_capacity = latency_capacity ? latency_capacity * 2 : 1 << 16;
        latencies = realloc(latencies, latency_capacity * sizeof *latencies);
        if (!latencies) die("realloc");
    }
    latencies[latency_count++] = nanoseconds;
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double percentile_ms(double fraction) {
    if (latency_count == 0) return 0;
    size_t index = (size_t)(fraction * (double)latency_count);
    if (index >= latency_count) index = latency_count - 1;
    return (double)latencies[index] / 1e6;
}

static int epoll_fd;
static int window;

/* Writes what is pending; watches for writability while the socket is full. */
static int flush_output(struct connection *c) {
    size_t written = 0;
    while (written < c->out_length) {
        ssize_t n = write(c->fd, c->out + written, c->out_length - written);
        if (n > 0) {
            written += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            return -1;
        }
    }
    memmove(c->out, c->out + written, c->out_length - written);
    c->out_length -= written;
    int watch = c->out_length > 0;
    if (watch != c->watching_output) {
        struct epoll_event event = {.events = EPOLLIN | (watch ? EPOLLOUT : 0), .data.ptr = c};
        epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &event);
        c->watching_output = watch;
    }
    return 0;
}

/* Queues `count` requests and writes them in one go; their send time is now. */
static int send_requests(struct connection *c, int count) {
    uint64_t now = now_ns();
    for (int i = 0; i < count; i++) {
        size_t index = c->next_line++ % line_count;
        size_t length = line_lengths[index];
        if (c->out_length + length > c->out_capacity) {
            c->out_capacity = (c->out_length + length) * 2;
            c->out = realloc(c->out, c->out_capacity);
            if (!c->out) die("realloc");
        }
        memcpy(c->out + c->out_length, lines[index], length);
        c->out_length += length;
        c->sent_at[(c->head + c->in_flight) % window] = now;
        c->in_flight++;
    }
    return flush_output(c);
}

static void close_connection(struct connection *c, int *open_count) {
    if (!c->open) return;
    c->open = 0;
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    (*open_count)--;
}

static int run_load(int connection_count, double seconds) {
    struct connection *connections = calloc((size_t)connection_count, sizeof *connections);
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) die("epoll_create1");
    int open_count = 0, connect_failed = 0, closed = 0;
    for (int i = 0; i < connection_count; i++) {
        struct connection *c = &connections[i];
        c->fd = open_connection();
        if (c->fd < 0) {
            connect_failed++;
            continue;
        }
        c->open = 1;
        open_count++;
        c->next_line = (size_t)i; /* connections start at different lines */
        c->sent_at = calloc((size_t)window, sizeof *c->sent_at);
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c->fd, &event);
    }

    uint64_t errors = 0;
    uint64_t started = now_ns();
    uint64_t deadline = started + (uint64_t)(seconds * 1e9);
    uint64_t drain_deadline = deadline + 30ull * 1000000000ull;
    for (int i = 0; i < connection_count; i++) {
        struct connection *c = &connections[i];
        if (c->open && send_requests(c, window) != 0) {
            close_connection(c, &open_count);
            closed++;
        }
    }

    static char buffer[1 << 16];
    struct epoll_event events[256];
    int sending = 1;
    uint64_t finished = started;
    while (open_count > 0) {
        uint64_t now = now_ns();
        if (sending && now >= deadline) sending = 0;
        if (!sending) {
            /* Past the deadline: done once nothing is owed. */
            int owed = 0;
            for (int i = 0; i < connection_count && !owed; i++)
                owed = connections[i].open && connections[i].in_flight > 0;
            if (!owed || now >= drain_deadline) break;
        }
        int ready = epoll_wait(epoll_fd, events, 256, 100);
        if (ready < 0 && errno != EINTR) die("epoll_wait");
        for (int e = 0; e < ready; e++) {
            struct connection *c = events[e].data.ptr;
            if (!c->open) continue;
            if (events[e].events & EPOLLOUT) {
                if (flush_output(c) != 0) {
                    close_connection(c, &open_count);
                    closed++;
                    continue;
                }
            }
            if (!(events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
            ssize_t n = read(c->fd, buffer, sizeof buffer);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n <= 0) {
                close_connection(c, &open_count);
                closed++;
                continue;
            }
            uint64_t arrived = now_ns();
            int replies = 0;
            for (ssize_t i = 0; i < n; i++) {
                char byte = buffer[i];
                if (byte == '\n') {
                    if (c->in_flight > 0) {
                        record_latency(arrived - c->sent_at[c->head]);
                        c->head = (c->head + 1) % window;
                        c->in_flight--;
                        replies++;
                    }
                    errors += (uint64_t)c->line_has_error;
                    c->line_has_error = 0;
                    c->error_state = 0;
                } else if (!c->line_has_error) {
                    c->error_state = error_step(c->error_state, byte);
                    if (c->error_state == (int)sizeof error_key - 1) c->line_has_error = 1;
                }
            }
            finished = arrived;
            if (replies > 0 && sending && arrived < deadline) {
                if (send_requests(c, replies) != 0) {
                    close_connection(c, &open_count);
                    closed++;
                }
            }
        }
    }
    double elapsed = (double)(finished - started) / 1e9;
    if (elapsed <= 0) elapsed = 1e-9;
    qsort(latencies, latency_count, sizeof *latencies, compare_u64);
    printf("{\"connections\": %d, \"window\": %d, \"requests\": %zu, \"errors\": %llu, \"seconds\": %.3f, "
           "\"rps\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"connect_failed\": %d, \"closed\": %d}\n",
           connection_count, window, latency_count, (unsigned long long)errors, elapsed,
           (double)latency_count / elapsed, percentile_ms(0.50), percentile_ms(0.99), connect_failed, closed);
    return 0;
}

/* MARK: idle */

struct idle_connection {
    int fd;
    int done;
    char *reply;
    size_t length, capacity;
};

static int run_idle(int connection_count) {
    struct idle_connection *connections = calloc((size_t)connection_count, sizeof *connections);
    int connected = 0, connect_failed = 0;
    uint64_t started = now_ns();
    for (int i = 0; i < connection_count; i++) {
        connections[i].fd = open_connection();
        if (connections[i].fd < 0) {
            connect_failed++;
            connections[i].done = 1;
        } else {
            connected++;
        }
    }
    printf("{\"connected\": %d, \"connect_failed\": %d, \"open_seconds\": %.3f}\n", connected, connect_failed,
           (double)(now_ns() - started) / 1e9);
    fflush(stdout);

    /* Silent until told to go on. */
    char go[64];
    if (!fgets(go, sizeof go, stdin)) { /* end of file: go on as well */ }

    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) die("epoll_create1");
    static const char ping[] = "{\"text\":\"hei\"}\n";
    int waiting = 0, held = 0, refused = 0, failed = 0;
    for (int i = 0; i < connection_count; i++) {
        struct idle_connection *c = &connections[i];
        if (c->done) continue;
        /* One short line: the socket buffer of a fresh connection always takes it whole. */
        if (write(c->fd, ping, sizeof ping - 1) != (ssize_t)(sizeof ping - 1)) {
            failed++;
            c->done = 1;
            close(c->fd);
            continue;
        }
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c->fd, &event);
        waiting++;
    }
    uint64_t deadline = now_ns() + 30ull * 1000000000ull;
    static char buffer[1 << 16];
    struct epoll_event events[256];
    while (waiting > 0 && now_ns() < deadline) {
        int ready = epoll_wait(epoll_fd, events, 256, 100);
        if (ready < 0 && errno != EINTR) die("epoll_wait");
        for (int e = 0; e < ready; e++) {
            struct idle_connection *c = events[e].data.ptr;
            if (c->done) continue;
            ssize_t n = read(c->fd, buffer, sizeof buffer);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            int complete = 0;
            if (n > 0) {
                if (c->length + (size_t)n + 1 > c->capacity) {
                    c->capacity = (c->length + (size_t)n + 1) * 2;
                    c->reply = realloc(c->reply, c->capacity);
                    if (!c->reply) die("realloc");
                }
                memcpy(c->reply + c->length, buffer, (size_t)n);
                c->length += (size_t)n;
                c->reply[c->length] = 0;
                complete = memchr(c->reply, '\n', c->length) != NULL;
            }
            if (n <= 0 || complete) {
                if (complete && strstr(c->reply, "too_many_connections")) refused++;
                else if (complete && strstr(c->reply, "\"answer\"")) held++;
                else failed++;
                c->done = 1;
                free(c->reply);
                c->reply = NULL;
                epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
                waiting--;
            }
        }
    }
    failed += waiting; /* no reply within the deadline */
    for (int i = 0; i < connection_count; i++)
        if (connections[i].fd >= 0) close(connections[i].fd);
    printf("{\"held\": %d, \"refused\": %d, \"failed\": %d}\n", held, refused, failed);
    return 0;
}

int main(int argc, char **argv) {
    raise_fd_limit();
    if (argc == 8 && strcmp(argv[1], "load") == 0) {
        resolve(argv[2], argv[3]);
        int connections = atoi(argv[4]);
        window = atoi(argv[5]);
        double seconds = atof(argv[6]);
        if (connections < 1 || window < 1 || seconds <= 0) {
            fprintf(stderr, "connections and window must be at least 1, seconds above 0\n");
            return 2;
        }
        read_request_file(argv[7]);
        return run_load(connections, seconds);
    }
    if (argc == 5 && strcmp(argv[1], "idle") == 0) {
        resolve(argv[2], argv[3]);
        int connections = atoi(argv[4]);
        if (connections < 1) {
            fprintf(stderr, "connections must be at least 1\n");
            return 2;
        }
        return run_idle(connections);
    }
    fprintf(stderr,
            "usage: %s load HOST PORT CONNECTIONS WINDOW SECONDS REQUEST_FILE\n"
            "       %s idle HOST PORT CONNECTIONS\n",
            argv[0], argv[0]);
    return 2;
}
