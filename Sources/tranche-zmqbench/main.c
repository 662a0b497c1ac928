// tranche-zmqbench: the transport baseline of scripts/bench.sh, in C on raw libzmq.
//
// Round trips over TCP loopback, the way the cluster's client commands travel:
//   one-hop: client DEALERs -> an echo ROUTER (the echo sends every frame back);
//   two-hop: client DEALERs -> a ROUTER/DEALER zmq_proxy -> the echo ROUTER, and back
//            (a client -> coordinator -> worker -> coordinator -> client path, with no work).
// Each client socket keeps DEPTH requests in flight (closed loop); every request carries its
// send time, and every round trip is recorded (nanoseconds, sorted at the end for the
// percentiles). Prints one line of JSON:
//   {"mode":..,"sockets":..,"depth":..,"size":..,"seconds":..,"roundTrips":..,"perSecond":..,
//    "p50Us":..,"p90Us":..,"p99Us":..,"p999Us":..,"maxUs":..}
// Usage: tranche-zmqbench [--mode one-hop|two-hop] [--seconds S] [--sockets N] [--depth D]
//                         [--size BYTES]
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "tranche-zmqbench: %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(1);
}

// An endpoint bound to an ephemeral loopback port.
static void bind_ephemeral(void *socket, char *endpoint, size_t length) {
    if (zmq_bind(socket, "tcp://127.0.0.1:*") != 0) die("zmq_bind");
    if (zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, endpoint, &length) != 0) die("ZMQ_LAST_ENDPOINT");
}

static void set_int(void *socket, int option, int value) {
    if (zmq_setsockopt(socket, option, &value, sizeof value) != 0) die("zmq_setsockopt");
}

// The echo ROUTER: every message (all its frames) goes back as it came, until "stop".
struct echo_args { void *context; char endpoint[256]; pthread_barrier_t *ready; };

static void *echo_loop(void *raw) {
    struct echo_args *a = raw;
    void *router = zmq_socket(a->context, ZMQ_ROUTER);
    set_int(router, ZMQ_SNDHWM, 0);
    set_int(router, ZMQ_RCVHWM, 0);
    set_int(router, ZMQ_LINGER, 0);
    bind_ephemeral(router, a->endpoint, sizeof a->endpoint);
    pthread_barrier_wait(a->ready);
    zmq_msg_t frames[8];
    for (;;) {
        int count = 0, more = 1;
        while (more) {
            if (count == 8) die("too many frames");
            zmq_msg_init(&frames[count]);
            if (zmq_msg_recv(&frames[count], router, 0) < 0) {
                if (zmq_errno() == ETERM) { zmq_close(router); return NULL; }
                die("echo recv");
            }
            more = zmq_msg_more(&frames[count]);
            count++;
        }
        for (int i = 0; i < count; i++) {
            if (zmq_msg_send(&frames[i], router, i + 1 < count ? ZMQ_SNDMORE : 0) < 0) {
                if (zmq_errno() == ETERM) { zmq_close(router); return NULL; }
                die("echo send");
            }
        }
    }
}

// The two-hop middle: a ROUTER for the clients, a DEALER to the echo, libzmq's own proxy.
struct proxy_args { void *context; const char *backend; char endpoint[256]; pthread_barrier_t *ready; };

static void *proxy_loop(void *raw) {
    struct proxy_args *a = raw;
    void *frontend = zmq_socket(a->context, ZMQ_ROUTER);
    void *backend = zmq_socket(a->context, ZMQ_DEALER);
    set_int(frontend, ZMQ_SNDHWM, 0); set_int(frontend, ZMQ_RCVHWM, 0); set_int(frontend, ZMQ_LINGER, 0);
    set_int(backend, ZMQ_SNDHWM, 0); set_int(backend, ZMQ_RCVHWM, 0); set_int(backend, ZMQ_LINGER, 0);
    bind_ephemeral(frontend, a->endpoint, sizeof a->endpoint);
    if (zmq_connect(backend, a->backend) != 0) die("proxy connect");
    pthread_barrier_wait(a->ready);
    zmq_proxy(frontend, backend, NULL);  // returns when the context terminates
    zmq_close(frontend);
    zmq_close(backend);
    return NULL;
}

static int compare_u64(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static double percentile_us(const uint64_t *sorted, size_t n, double q) {
    if (n == 0) return 0;
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return (double)sorted[i] / 1000.0;
}

int main(int argc, char **argv) {
    const char *mode = "one-hop";
    double seconds = 5;
    int sockets = 8, depth = 64, size = 100;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            printf("Usage: tranche-zmqbench [--mode one-hop|two-hop] [--seconds S] [--sockets N] [--depth D] [--size BYTES]\n");
            return 0;
        }
        if (!value) { fprintf(stderr, "tranche-zmqbench: %s needs a value\n", arg); return 2; }
        if (!strcmp(arg, "--mode")) mode = value;
        else if (!strcmp(arg, "--seconds")) seconds = atof(value);
        else if (!strcmp(arg, "--sockets")) sockets = atoi(value);
        else if (!strcmp(arg, "--depth")) depth = atoi(value);
        else if (!strcmp(arg, "--size")) size = atoi(value);
        else { fprintf(stderr, "tranche-zmqbench: unknown option %s\n", arg); return 2; }
        i++;
    }
    int two_hop = !strcmp(mode, "two-hop");
    if ((!two_hop && strcmp(mode, "one-hop")) || seconds <= 0 || sockets < 1 || sockets > 1024 || depth < 1 || size < 8) {
        fprintf(stderr, "tranche-zmqbench: --mode one-hop|two-hop, --seconds > 0, 1 <= --sockets <= 1024, --depth >= 1, --size >= 8\n");
        return 2;
    }

    void *context = zmq_ctx_new();
    zmq_ctx_set(context, ZMQ_IO_THREADS, 1);
    pthread_barrier_t ready;
    pthread_barrier_init(&ready, NULL, 2);
    struct echo_args echo = { .context = context, .ready = &ready };
    pthread_t echo_thread, proxy_thread;
    pthread_create(&echo_thread, NULL, echo_loop, &echo);
    pthread_barrier_wait(&ready);
    const char *target = echo.endpoint;
    struct proxy_args proxy = { .context = context, .backend = echo.endpoint, .ready = &ready };
    if (two_hop) {
        pthread_create(&proxy_thread, NULL, proxy_loop, &proxy);
        pthread_barrier_wait(&ready);
        target = proxy.endpoint;
    }

    void **clients = calloc((size_t)sockets, sizeof *clients);
    zmq_pollitem_t *items = calloc((size_t)sockets, sizeof *items);
    for (int s = 0; s < sockets; s++) {
        clients[s] = zmq_socket(context, ZMQ_DEALER);
        set_int(clients[s], ZMQ_SNDHWM, 0); set_int(clients[s], ZMQ_RCVHWM, 0); set_int(clients[s], ZMQ_LINGER, 0);
        if (zmq_connect(clients[s], target) != 0) die("client connect");
        items[s] = (zmq_pollitem_t){ .socket = clients[s], .events = ZMQ_POLLIN };
    }
    char *payload = calloc(1, (size_t)size);
    char *reply = calloc(1, (size_t)size + 64);
    // Warm-up: one round trip per socket (connections made) before the clock starts.
    for (int s = 0; s < sockets; s++) {
        if (zmq_send(clients[s], payload, (size_t)size, 0) < 0) die("send");
        if (zmq_recv(clients[s], reply, (size_t)size + 64, 0) < 0) die("recv");
    }

    size_t capacity = 1 << 20, count = 0;
    uint64_t *samples = malloc(capacity * sizeof *samples);
    uint64_t start = now_ns(), end = start + (uint64_t)(seconds * 1e9), stop_sending = 0;
    long outstanding = 0;
    for (int s = 0; s < sockets; s++) {
        for (int d = 0; d < depth; d++) {
            uint64_t t = now_ns();
            memcpy(payload, &t, sizeof t);
            if (zmq_send(clients[s], payload, (size_t)size, 0) < 0) die("send");
            outstanding++;
        }
    }
    while (outstanding > 0) {
        if (zmq_poll(items, sockets, 1000) < 0) die("poll");
        for (int s = 0; s < sockets; s++) {
            if (!(items[s].revents & ZMQ_POLLIN)) continue;
            for (;;) {
                int n = zmq_recv(clients[s], reply, (size_t)size + 64, ZMQ_DONTWAIT);
                if (n < 0) { if (zmq_errno() == EAGAIN) break; die("recv"); }
                uint64_t sent, t = now_ns();
                memcpy(&sent, reply, sizeof sent);
                outstanding--;
                if (count == capacity) { capacity *= 2; samples = realloc(samples, capacity * sizeof *samples); }
                samples[count++] = t - sent;
                if (t < end) {
                    memcpy(payload, &t, sizeof t);
                    if (zmq_send(clients[s], payload, (size_t)size, 0) < 0) die("send");
                    outstanding++;
                } else if (!stop_sending) {
                    stop_sending = t;
                }
            }
        }
    }
    double elapsed = (double)((stop_sending ? stop_sending : now_ns()) - start) / 1e9;
    qsort(samples, count, sizeof *samples, compare_u64);
    printf("{\"mode\":\"%s\",\"sockets\":%d,\"depth\":%d,\"size\":%d,\"seconds\":%.3f,\"roundTrips\":%zu,"
           "\"perSecond\":%.0f,\"p50Us\":%.1f,\"p90Us\":%.1f,\"p99Us\":%.1f,\"p999Us\":%.1f,\"maxUs\":%.1f}\n",
           mode, sockets, depth, size, elapsed, count, (double)count / elapsed,
           percentile_us(samples, count, 0.50), percentile_us(samples, count, 0.90),
           percentile_us(samples, count, 0.99), percentile_us(samples, count, 0.999),
           count ? (double)samples[count - 1] / 1000.0 : 0.0);
    for (int s = 0; s < sockets; s++) zmq_close(clients[s]);
    zmq_ctx_shutdown(context);
    pthread_join(echo_thread, NULL);
    if (two_hop) pthread_join(proxy_thread, NULL);
    zmq_ctx_term(context);
    free(samples); free(payload); free(reply); free(clients); free(items);
    return 0;
}
