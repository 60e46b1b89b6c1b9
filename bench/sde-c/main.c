/* Runs SDEverywhere-generated C the way @sdeverywhere/runtime's runJsModel runs generated JS. */
#include <time.h>
#include "sde.h"

double _time;
static double *outputs;
static size_t numSavePoints, savePoint, outputIndex;

void outputVar(double value) { outputs[outputIndex++ * numSavePoints + savePoint] = value; }

static void run(void) {
  initConstants();
  initLevels();
  _time = _initial_time;
  int lastStep = (int)round((_final_time - _initial_time) / _time_step);
  savePoint = 0;
  for (int step = 0; step <= lastStep; step++) {
    evalAux();
    if (fmod(_time, _saveper) < 1e-6) {
      outputIndex = 0;
      storeOutputData();
      savePoint++;
    }
    if (step == lastStep) break;
    evalLevels();
    _time += _time_step;
  }
}

/* argv[1]: repetitions; argv[2]: where to write the outputs. Prints one line of nanoseconds per run. */
int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 1;
  /* SAVEPER may be an auxiliary (SAVEPER = TIME STEP): evaluate once, as SDEverywhere's runtime does. */
  initConstants();
  initLevels();
  evalAux();
  numSavePoints = (size_t)round((_final_time - _initial_time) / _saveper) + 1;
  for (int r = 0; r < reps; r++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    free(outputs);
    outputs = calloc((size_t)numOutputs * numSavePoints, sizeof(double));
    run();
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%lld\n", (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
  }
  if (argc > 2) {
    FILE *f = fopen(argv[2], "wb");
    size_t n = (size_t)numOutputs * numSavePoints;
    if (!f || fwrite(outputs, sizeof(double), n, f) != n) return 1;
    fclose(f);
  }
  return 0;
}
