/* The numeric runtime of engine/src/runtime/functions.ts, in C, for the emitted benchmark programs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TIME_EPSILON 1e-6

/* Math.min / Math.max: NaN wins, and -0 is below +0. */
static inline double js_min(double a, double b) { if (a != a || b != b) return NAN; if (a == b) return signbit(a) ? a : b; return a < b ? a : b; }
static inline double js_max(double a, double b) { if (a != a || b != b) return NAN; if (a == b) return signbit(a) ? b : a; return a > b ? a : b; }
static inline double js_mod(double a, double b) { return a - b * floor(a / b); }
static inline double js_round(double x) { double a = fabs(x), r = floor(a); if (a - r >= 0.5) r++; return x < 0 ? -r : r; }
static inline double safediv(double a, double b, double otherwise) { return b == 0 ? otherwise : a / b; }
static inline double sd_step(double height, double start, double t, double dt) { return t >= start - TIME_EPSILON * dt ? height : 0; }
static inline double sd_ramp(double slope, double start, double end, double t) { if (t <= start || end <= start) return 0; return slope * (fmin(t, end) - start); }
static inline double sd_pulse(double volume, double first, double interval, double t, double dt) {
  double eps = TIME_EPSILON * dt;
  if (t < first - eps) return 0;
  double since = t - first;
  if (interval > 0) since -= floor((since + eps) / interval) * interval;
  return since < dt - eps && since > -eps ? volume / dt : 0;
}
static inline int segment(const double *xs, int n, double x) {
  int lo = 0, hi = n - 1;
  if (x < xs[0]) return -1;
  if (x >= xs[hi]) return hi;
  while (hi - lo > 1) { int mid = (lo + hi) >> 1; if (xs[mid] <= x) lo = mid; else hi = mid; }
  return lo;
}
static inline double lookup_continuous(const double *xs, const double *ys, int n, double x) {
  if (x != x) return x;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[n - 1]) return ys[n - 1];
  int i = segment(xs, n, x);
  double x0 = xs[i];
  return ys[i] + ((ys[i + 1] - ys[i]) * (x - x0)) / (xs[i + 1] - x0);
}
static inline double lookup_extrapolate(const double *xs, const double *ys, int n, double x) {
  if (n == 1 || x != x) return n == 1 ? ys[0] : x;
  int i = segment(xs, n, x);
  if (i < 0) i = 0;
  if (i >= n - 1) i = n - 2;
  double x0 = xs[i];
  return ys[i] + ((ys[i + 1] - ys[i]) * (x - x0)) / (xs[i + 1] - x0);
}
static inline double lookup_discrete(const double *xs, const double *ys, int n, double x) {
  if (x != x) return x;
  int i = segment(xs, n, x);
  return ys[i < 0 ? 0 : i];
}
static inline double delay_output(const double *h, double delay, double initial, double t, double start, double dt) {
  double d = delay > dt ? delay : dt;
  double p = (t - d - start) / dt;
  if (p < -TIME_EPSILON) return initial;
  int i = (int)floor(p + TIME_EPSILON);
  double frac = p - i;
  if (frac <= TIME_EPSILON) return h[i];
  return h[i] + frac * (h[i + 1] - h[i]);
}

typedef void (*run_fn)(int rk4, double *v, double *k1, double *k2, double *k3, double *k4, double *s0, double *out);

/* argv[1]: repetitions; argv[2]: where to write the last run's saved values; argv[3]: euler or rk4. Prints one line of nanoseconds per run. */
static int bench_main(int argc, char **argv, size_t nslots, size_t nstate, size_t nout, run_fn run) {
  int reps = argc > 1 ? atoi(argv[1]) : 1;
  int rk4 = argc > 3 && strcmp(argv[3], "rk4") == 0;
  double *out = NULL;
  for (int r = 0; r < reps; r++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    double *v = calloc(nslots, sizeof(double)), *k = calloc(5 * nstate, sizeof(double));
    free(out);
    out = calloc(nout, sizeof(double));
    run(rk4, v, k, k + nstate, k + 2 * nstate, k + 3 * nstate, k + 4 * nstate, out);
    free(v);
    free(k);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%lld\n", (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
  }
  if (argc > 2) { FILE *f = fopen(argv[2], "wb"); if (!f || fwrite(out, sizeof(double), nout, f) != nout) return 1; fclose(f); }
  free(out);
  return 0;
}
