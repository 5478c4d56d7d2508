/* qbath/qbath.h — umbrella header: every public module of libqbath. */
#ifndef QBATH_H
#define QBATH_H
#include "qbath/alloc.h"
#include "qbath/api.h"
#include "qbath/csr.h"
#include "qbath/dense.h"
#include "qbath/kron.h"
#include "qbath/level_stats.h"
#include "qbath/mmio.h"
#include "qbath/op.h"
#include "qbath/rmt.h"
#include "qbath/rng.h"
#include "qbath/spin.h"
#include "qbath/spin_op.h"
#include "qbath/err.h"
#include "qbath/types.h"
#endif
