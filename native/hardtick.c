/*
 * hardtick native accelerator: a small N-API addon (C, Linux).
 *
 * What it gives the JS side, and why each exists (measured on Node 20):
 * - a CLOCK_MONOTONIC read written into a Float64Array (every built-in clock in Node 20
 *   allocates 16-40 B per call; this allocates nothing: the callbacks return undefined
 *   and write the double into memory the caller owns), and a CLOCK_REALTIME read the
 *   same way (wall time, a reference independent of the loop's schedule);
 * - an absolute sleep, clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME): no drift, no
 *   relative-timeout arithmetic, no boxed timeout argument;
 * - mlockall, per-thread scheduling policy/priority and CPU affinity (the calling thread
 *   only: pthread_self(), so a Node worker can be made SCHED_FIFO while the main thread
 *   stays SCHED_OTHER);
 * - _exit(code): ends the process with a code even while one of its threads is blocked in
 *   a system call (process.exit() first joins every worker thread, and waits forever for
 *   one that is blocked in a read).
 *
 * Allocation contract: clockInto, realtimeInto, readClock and sleepUntil allocate nothing on the JS heap
 * (they return undefined; N-API handles live in the callback's handle scope, not the heap).
 * The other functions are cold-path (setup) calls and may allocate.
 *
 * Threading: context-aware (NAPI_MODULE_INIT): each Node environment (main thread, each
 * worker) gets its own instance, with its own bound clock array (instance data).
 * Scheduling and affinity calls affect only the thread that makes them.
 *
 * Errors: setup functions return an errno value (0 = success) rather than throwing, so the
 * TS side can report "refused by the OS: <reason>" without try/catch. Only misuse (a wrong
 * argument type) throws a TypeError.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pthread_setaffinity_np, CPU_SET, GNU strerror_r, SYS_gettid */
#endif
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif

#include <errno.h>
#include <math.h>
#include <node_api.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Largest deadline we convert to a timespec (ns); ~292 years, well inside int64. */
#define MAX_DEADLINE_NS 9.2e18

/* Per-environment state (napi instance data). */
typedef struct {
  /* Data of the Float64Array bound by bindClock (slot 0 receives the time), or NULL. */
  double *bound;
  /* Keeps the bound array alive for as long as it is bound. */
  napi_ref bound_ref;
} env_state;

static double monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  /* Exact while the sum is below 2^53 ns (~104 days of uptime). */
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The data of a Float64Array argument of length >= 1, or NULL with a TypeError thrown. */
static double *f64_data(napi_env env, napi_value value) {
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_float64_array || length < 1 || data == NULL) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a Float64Array of length >= 1");
    return NULL;
  }
  return (double *)data;
}

/* First argument of a call (undefined when absent). */
static napi_value arg0(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) {
    napi_value undef;
    napi_get_undefined(env, &undef);
    return undef;
  }
  return argv[0];
}

static napi_value make_int(napi_env env, int64_t v) {
  napi_value out;
  napi_create_int64(env, v, &out);
  return out;
}

/* realtimeInto(f64): f64[0] = CLOCK_REALTIME in ns since the epoch (wall time). Returns undefined. */
static napi_value js_realtime_into(napi_env env, napi_callback_info info) {
  double *p = f64_data(env, arg0(env, info));
  if (p != NULL) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    p[0] = (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
  }
  return NULL;
}

/* clockInto(f64): f64[0] = CLOCK_MONOTONIC in ns. Returns undefined. */
static napi_value js_clock_into(napi_env env, napi_callback_info info) {
  double *p = f64_data(env, arg0(env, info));
  if (p != NULL) p[0] = monotonic_ns();
  return NULL;
}

/*
 * bindClock(f64): remembers f64 for readClock (per environment). Pass an array over a
 * SharedArrayBuffer: it cannot be detached (transferred), so the stored pointer stays valid
 * for as long as the reference below keeps the array alive.
 */
static napi_value js_bind_clock(napi_env env, napi_callback_info info) {
  env_state *st = NULL;
  napi_get_instance_data(env, (void **)&st);
  napi_value value = arg0(env, info);
  double *p = f64_data(env, value);
  if (p == NULL || st == NULL) return NULL;
  if (st->bound_ref != NULL) {
    napi_delete_reference(env, st->bound_ref);
    st->bound_ref = NULL;
    st->bound = NULL;
  }
  if (napi_create_reference(env, value, 1, &st->bound_ref) != napi_ok) {
    napi_throw_error(env, NULL, "bindClock: cannot reference the array");
    return NULL;
  }
  st->bound = p;
  return NULL;
}

/* readClock(): bound[0] = CLOCK_MONOTONIC in ns. No argument handling at all. */
static napi_value js_read_clock(napi_env env, napi_callback_info info) {
  (void)info;
  env_state *st = NULL;
  napi_get_instance_data(env, (void **)&st);
  if (st == NULL || st->bound == NULL) {
    napi_throw_error(env, NULL, "readClock: call bindClock(f64) first");
    return NULL;
  }
  st->bound[0] = monotonic_ns();
  return NULL;
}

/*
 * sleepUntil(f64): blocks the calling thread until CLOCK_MONOTONIC >= f64[0] (absolute ns).
 * The deadline is rounded up to whole ns, so the clock read after return is >= f64[0].
 * Retries on EINTR (a signal handler ran) with the same absolute deadline: no drift.
 * A NaN, non-positive or past deadline returns at once (the kernel checks "past").
 */
static napi_value js_sleep_until(napi_env env, napi_callback_info info) {
  double *p = f64_data(env, arg0(env, info));
  if (p == NULL) return NULL;
  double deadline = p[0];
  if (!(deadline > 0)) return NULL;
  if (deadline > MAX_DEADLINE_NS) deadline = MAX_DEADLINE_NS;
  int64_t ns = (int64_t)ceil(deadline);
  struct timespec ts;
  ts.tv_sec = (time_t)(ns / 1000000000);
  ts.tv_nsec = (long)(ns % 1000000000);
  int rc;
  do {
    rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
  } while (rc == EINTR);
  return NULL;
}

/* mlockall(): mlockall(MCL_CURRENT | MCL_FUTURE). Returns 0 or errno. */
static napi_value js_mlockall(napi_env env, napi_callback_info info) {
  (void)info;
  int rc = mlockall(MCL_CURRENT | MCL_FUTURE) == 0 ? 0 : errno;
  return make_int(env, rc);
}

/* munlockall(): undoes mlockall (for tests and teardown). Returns 0 or errno. */
static napi_value js_munlockall(napi_env env, napi_callback_info info) {
  (void)info;
  int rc = munlockall() == 0 ? 0 : errno;
  return make_int(env, rc);
}

static int parse_policy(napi_env env, napi_value value, int *policy) {
  char name[16];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, name, sizeof name, &len) != napi_ok) return EINVAL;
  if (strcmp(name, "fifo") == 0) *policy = SCHED_FIFO;
  else if (strcmp(name, "rr") == 0) *policy = SCHED_RR;
  else if (strcmp(name, "other") == 0) *policy = SCHED_OTHER;
  else if (strcmp(name, "batch") == 0) *policy = SCHED_BATCH;
  else if (strcmp(name, "idle") == 0) *policy = SCHED_IDLE;
  else return EINVAL;
  return 0;
}

static const char *policy_name(int policy) {
  switch (policy & ~SCHED_RESET_ON_FORK) {
  case SCHED_FIFO: return "fifo";
  case SCHED_RR: return "rr";
  case SCHED_OTHER: return "other";
  case SCHED_BATCH: return "batch";
  case SCHED_IDLE: return "idle";
#ifdef SCHED_DEADLINE
  case SCHED_DEADLINE: return "deadline";
#endif
  default: return "unknown";
  }
}

/*
 * setThreadScheduler(policy, priority): pthread_setschedparam(pthread_self(), ...) — the
 * calling thread only (on Linux a pthread is a kernel task with its own policy). policy is
 * 'fifo' | 'rr' | 'other' | 'batch' | 'idle'; priority 1..99 for fifo/rr, 0 otherwise.
 * Returns 0 or an errno (EINVAL for a bad policy name or priority, EPERM without
 * CAP_SYS_NICE / RLIMIT_RTPRIO).
 */
static napi_value js_set_thread_scheduler(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int policy = 0;
  int32_t priority = 0;
  if (argc < 2 || parse_policy(env, argv[0], &policy) != 0) return make_int(env, EINVAL);
  if (napi_get_value_int32(env, argv[1], &priority) != napi_ok) return make_int(env, EINVAL);
  struct sched_param sp;
  memset(&sp, 0, sizeof sp);
  sp.sched_priority = priority;
  return make_int(env, pthread_setschedparam(pthread_self(), policy, &sp));
}

/* getThreadScheduler(): { policy, priority } of the calling thread. */
static napi_value js_get_thread_scheduler(napi_env env, napi_callback_info info) {
  (void)info;
  int policy = 0;
  struct sched_param sp;
  memset(&sp, 0, sizeof sp);
  int rc = pthread_getschedparam(pthread_self(), &policy, &sp);
  napi_value out, name, prio;
  napi_create_object(env, &out);
  napi_create_string_utf8(env, rc == 0 ? policy_name(policy) : "unknown", NAPI_AUTO_LENGTH, &name);
  napi_create_int32(env, rc == 0 ? sp.sched_priority : 0, &prio);
  napi_set_named_property(env, out, "policy", name);
  napi_set_named_property(env, out, "priority", prio);
  return out;
}

/*
 * setThreadAffinity(cpus: number[]): pthread_setaffinity_np(pthread_self(), ...) — the
 * calling thread only. Returns 0 or an errno (EINVAL for an empty list, a non-integer or
 * out-of-range CPU, or a set with no online CPU).
 */
static napi_value js_set_thread_affinity(napi_env env, napi_callback_info info) {
  napi_value list = arg0(env, info);
  bool is_array = false;
  uint32_t n = 0;
  if (napi_is_array(env, list, &is_array) != napi_ok || !is_array) return make_int(env, EINVAL);
  if (napi_get_array_length(env, list, &n) != napi_ok || n == 0) return make_int(env, EINVAL);
  cpu_set_t set;
  CPU_ZERO(&set);
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    double cpu = -1;
    if (napi_get_element(env, list, i, &item) != napi_ok ||
        napi_get_value_double(env, item, &cpu) != napi_ok || !(cpu >= 0) || cpu >= CPU_SETSIZE ||
        cpu != floor(cpu)) {
      return make_int(env, EINVAL);
    }
    CPU_SET((int)cpu, &set);
  }
  return make_int(env, pthread_setaffinity_np(pthread_self(), sizeof set, &set));
}

/* getThreadAffinity(): the CPUs the calling thread may run on (ascending), [] on error. */
static napi_value js_get_thread_affinity(napi_env env, napi_callback_info info) {
  (void)info;
  cpu_set_t set;
  CPU_ZERO(&set);
  napi_value out;
  napi_create_array(env, &out);
  if (pthread_getaffinity_np(pthread_self(), sizeof set, &set) != 0) return out;
  uint32_t k = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (CPU_ISSET(cpu, &set)) napi_set_element(env, out, k++, make_int(env, cpu));
  }
  return out;
}

/* strerror(errno): the C library's message for an errno value. */
static napi_value js_strerror(napi_env env, napi_callback_info info) {
  int32_t e = 0;
  napi_get_value_int32(env, arg0(env, info), &e);
  char buf[256];
  const char *msg = strerror_r(e, buf, sizeof buf); /* GNU variant: returns the message */
  napi_value out;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &out);
  return out;
}

/* threadId(): the calling thread's kernel id (gettid), for reports. */
static napi_value js_thread_id(napi_env env, napi_callback_info info) {
  (void)info;
  return make_int(env, (int64_t)syscall(SYS_gettid));
}

/* clockResolutionNs(): clock_getres(CLOCK_MONOTONIC) in ns (-1 on error). */
static napi_value js_clock_resolution_ns(napi_env env, napi_callback_info info) {
  (void)info;
  struct timespec ts;
  if (clock_getres(CLOCK_MONOTONIC, &ts) != 0) return make_int(env, -1);
  return make_int(env, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/* exitNow(code): _exit(code & 0xff) at once: no exit handlers, no joining of threads. */
static napi_value js_exit_now(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t code = 1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= 1) {
    if (napi_get_value_int32(env, argv[0], &code) != napi_ok) code = 1;
  }
  _exit(code & 0xff);
}

static void free_state(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  /* The bound reference, if any, is released by Node with the environment. */
  free(data);
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  env_state *st = (env_state *)calloc(1, sizeof *st);
  if (st == NULL || napi_set_instance_data(env, st, free_state, NULL) != napi_ok) {
    free(st);
    napi_throw_error(env, NULL, "hardtick native: cannot allocate instance data");
    return NULL;
  }
  napi_property_descriptor props[] = {
      {"clockInto", NULL, js_clock_into, NULL, NULL, NULL, napi_enumerable, NULL},
      {"realtimeInto", NULL, js_realtime_into, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bindClock", NULL, js_bind_clock, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readClock", NULL, js_read_clock, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sleepUntil", NULL, js_sleep_until, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mlockall", NULL, js_mlockall, NULL, NULL, NULL, napi_enumerable, NULL},
      {"munlockall", NULL, js_munlockall, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreadScheduler", NULL, js_set_thread_scheduler, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getThreadScheduler", NULL, js_get_thread_scheduler, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreadAffinity", NULL, js_set_thread_affinity, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getThreadAffinity", NULL, js_get_thread_affinity, NULL, NULL, NULL, napi_enumerable, NULL},
      {"strerror", NULL, js_strerror, NULL, NULL, NULL, napi_enumerable, NULL},
      {"threadId", NULL, js_thread_id, NULL, NULL, NULL, napi_enumerable, NULL},
      {"clockResolutionNs", NULL, js_clock_resolution_ns, NULL, NULL, NULL, napi_enumerable, NULL},
      {"exitNow", NULL, js_exit_now, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
