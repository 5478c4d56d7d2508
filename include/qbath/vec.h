/* qbath/vec.h — BLAS-1 helpers of the propagators and observables, bitwise reproducible
 * on any thread count (src/core/vec.c).
 *
 * Reductions split a vector into QB_VEC_BLOCKS fixed blocks whose boundaries depend only
 * on the length, sum each block serially in a fixed order (four interleaved partial sums,
 * for speed), and add the block sums serially: the same bits whatever the thread count.
 * Complex vectors are interleaved (re, im) doubles; a complex vector of length n is a real
 * one of length 2n for every operation with a real scalar. */
#ifndef QBATH_VEC_H
#define QBATH_VEC_H

#include <stddef.h>

#include "qbath/types.h"

/* Number of fixed reduction blocks (more than any thread count we expect to run on). */
enum { QB_VEC_BLOCKS = 128 };
/* Shortest vector (items: doubles, or complex entries) whose loops run in an OpenMP team;
 * shorter ones run on the calling thread (a parallel region costs a system call). */
enum { QB_VEC_TEAM_MIN = 4096 };

/* sum_i x_i y_i over nd doubles. */
double qb_vec_dot(size_t nd, const double *x, const double *y);
/* <x|y> = sum_i conj(x_i) y_i over n complex entries. */
qb_cplx qb_vec_cdot(size_t n, const qb_cplx *x, const qb_cplx *y);
/* 2-norm of nd doubles (a complex vector: nd = 2n). */
double qb_vec_nrm2(size_t nd, const double *x);
/* y <- y + a x (real a, nd doubles). */
void qb_vec_axpy(size_t nd, double a, const double *x, double *y);
/* y <- y + a x (complex a, n complex entries). */
void qb_vec_caxpy(size_t n, qb_cplx a, const qb_cplx *x, qb_cplx *y);
/* y <- a x (complex a, n complex entries). */
void qb_vec_cscal_copy(size_t n, qb_cplx a, const qb_cplx *x, qb_cplx *y);
/* x <- a x (real a, nd doubles). */
void qb_vec_scal(size_t nd, double a, double *x);
/* y <- x (nd doubles), in parallel. */
void qb_vec_copy(size_t nd, const double *x, double *y);
/* y <- y - a x - b z, and returns ||y||^2 after the update (nd doubles; Lanczos). */
double qb_vec_lanczos_update(size_t nd, double a, const double *x, double b, const double *z,
                             double *y);

#endif
