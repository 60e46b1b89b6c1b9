/*
 * The little of SDEverywhere's C runtime that its generated code for the benchmark models needs
 * (the runtime itself ships with @sdeverywhere/cli, which cannot be installed here). Semantics
 * follow @sdeverywhere/runtime's JavaScript model functions, which the JS comparison runs.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern double _time;
extern double _time_step;
extern double _initial_time;
extern double _final_time;
extern double _saveper;
extern const int numOutputs;

#define _INTEG(value, rate) ((value) + (rate) * _time_step)
#define _MIN(a, b) fmin(a, b)
#define _MAX(a, b) fmax(a, b)
#define _ABS(x) fabs(x)
#define _SQRT(x) sqrt(x)
#define _EXP(x) exp(x)
#define _LN(x) log(x)
#define _IF_THEN_ELSE(c, t, f) ((bool)(c) ? (t) : (f))

void outputVar(double value);
void initConstants(void);
void initLevels(void);
void evalAux(void);
void evalLevels(void);
void storeOutputData(void);
