"""Time one training step and one forward pass of the follow-up tutorial's CNN (batch 50).

The network is "Deep MNIST for Experts": 28x28x1 -> conv 5x5x32 SAME + bias -> ReLU ->
max-pool 2x2 -> conv 5x5x32->64 SAME + bias -> ReLU -> max-pool 2x2 -> dense 3136->1024 +
ReLU -> dropout (keep 0.5) -> dense 1024->10 -> softmax cross entropy, trained with
AdamOptimizer(1e-4). smallflow runs it through Session.run (the graph built with
``import smallflow as tf``, as the tutorial writes it). The baseline is the same arithmetic
written out by hand in NumPy: convolutions as np.tensordot / np.einsum over sliding-window
views, reshape max-pooling with an argmax-routed gradient, matrix products with @, and the
Adam update as plain expressions. Both run alternately in one process, after a check that
they compute the same step. The training step is what an epoch repeats 1,100 times (55,000
images / 50), so the projection is 1,100 x the median step.

Also measured in the same rounds: this machine's sgemm rate (a 1024^3 float32 product, same
thread count), from which the step's limit is its FLOP count (products only, see
step_flops) over that rate; the step's products alone ("bare products": each one NumPy
product of the shape an im2col design needs, nothing else); and,
when TensorFlow's venv is there (/work/tf-venv, marked
ready), the same step and the forward pass over 10,000 images in TensorFlow's compat.v1, in
a subprocess that takes its turn between smallflow's runs.

Where smallflow's step spends its time (cProfile with the process's CPU clock, one thread,
ms per step of the profiled run; session 4, 1 Dec: "before" at 13:00, load 8, 119 ms per
profiled step; "after" at 14:19, load 18, 122 ms; the machine was busier, so compare
within a column, not across):

                                             before   after
  conv forward, both layers (+ bias, ReLU)     19.6    23.0   (after: fused, see fusion.py)
  bias adds / ReLU as separate passes           4.5     0.4
  conv2 input gradient                          20.9    21.9
  conv filter gradients, both layers            21.6    23.0
  max-pool gradient + ReLU gradient             12.5    11.3   (after: one fused call)
  max-pool forward                               3.4     3.4
  dense matmuls                                 12.2    12.9
  Adam (in place, 64K-element blocks)           15.8    16.2

Measured in turns in one run (bench below, 14:00, load 15, CPU time, 15 rounds): smallflow
step 111.4 ms median vs TensorFlow 58.6 (1.90x); the step's products alone, each one NumPy
product of the im2col shape ("bare products"), 67.5 ms = 1.15x TensorFlow's WHOLE step.
At the start of the session (12:53, load 2-7, 10 rounds): 106.3 vs 54.8 (1.94x). Forward over
10,000 images: 6.04 s vs 2.73 s (2.21x; at the start 4.82 vs 2.45, 1.97x; ratios at load 15
swing by 0.2x between runs). A/B of the fusion in turns (same process, load 15-17, CPU):
step 102.8 vs 107.0 ms and 108.2 vs 111.2 ms (3-4% faster), forward 10k best 4.84 vs 5.01 s.

Why the targets (<= 1.0x TensorFlow, >= 80% of the sgemm limit) are out of reach here:
NumPy's sgemm on this step's shapes (N = 64 or 32 columns for conv2, M = 50 rows for the
dense layer) runs at 50-70% of its 1024^3 rate, so the products alone take longer than
TensorFlow's whole step, which convolves directly (oneDNN) near the machine's peak. What is
left above the bare products (about 40% of our step) is memory-bound NumPy passes: Adam's
12 ufunc passes over 3.3 M weights (~16 ms; the same operations in the same order keep the
results exact), im2col copies in L2-sized blocks (~10 ms), pooling and its gradient.

Session 5 (hstep; profiled as above, 30 steps, 1 thread, the base and the new code in turns,
16:09, load 14; ms per step): ReLU + max-pool gradient 11.1 -> 7.8 and max-pool forward 3.4 ->
2.7 (ops/pool_kernels.py: one broadcast comparison finds every window's first maximum, one
broadcast masked copy writes the gradient; no index gather), Adam 15.1 -> 15.3 (unchanged:
its 12 passes are the fewest NumPy ufuncs that keep TensorFlow's formula bit for bit; the one
change, np.square for g * g, rounds the same). Whole step, CPU time, 4 alternating processes
of 25 steps each at load 11-13: 106 ms median for both (the 4 ms saved is within the noise).
With two threads granted by the thread policy (a quiet machine) the optimizers' updates and
the pooling now also run on both cores (workers.py); not measured here: the machine never
had a free core during the session. Not done: computing the 3136x1024 weight's gradient
block by block into cache and applying Adam to each block there (would save writing and
re-reading its 12.8 MB, about 2-3 ms); the dense layers' products are already single BLAS
calls on transposed views (no copies), 3 x 0.32 GFLOP at the sgemm rate.

Session 5 (hwino): Winograd convolutions (ops/winograd.py, docs/architecture.md). The
second layer's three kernels now do 2.5-4.6x fewer multiplications: F(3x3, 5x5) for the
forward pass, the input gradient and the filter gradient (the first layer, one input
channel, stays on im2col). Per kernel (bench_conv_kernels.py, 16:46, load 12-13, CPU ms
median, Winograd vs direct in turns, batch 50): conv2 forward 7.7 vs 16.1, input gradient
7.8 vs 19.0, filter gradient 11.8 vs 16.0 (27 vs 51 ms for the three). This benchmark, one
run per line (CPU time, 10-12 rounds in turns with TensorFlow; load 11-14, so ratios swing
by 0.1-0.2x between runs):

                                          step vs TF             forward 10k vs TF
  start of session (quiet, direct)        96.4 / 53.8  1.79x     4.41 / 2.42 s  1.82x
  direct (SMALLFLOW_CONV_ALGORITHM), 16:24 105.8 / 56.2  1.88x    5.71 / 2.72 s  2.10x
  Winograd, 16:17                         88.6 / 58.8  1.51x     4.02 / 3.41 s  1.18x
  + bias/ReLU/pool on groups, 16:34       82.3 / 55.8  1.48x     3.32 / 2.53 s  1.31x
  + hstep's pooling and Adam, 16:41       65.5 / 54.0  1.21x     3.83 / 2.75 s  1.39x
  final (landed 9cecb47), 17:07, load 9    81.3 / 59.8  1.36x     3.52 / 2.73 s  1.29x
                                          (best 1.26x)           (best 1.18x)

So the step moved from ~1.8x to ~1.2-1.5x TensorFlow's and the 10k forward from ~2x to
~1.2-1.4x (target 1.2x: met in some runs, not reliably on this loaded machine). Where the
10k forward goes now (cProfile, CPU clock, 4.5 s profiled): conv2 by Winograd 2.4 s, conv1
(im2col, K = 25) + its bias/ReLU/pool 1.1 s, pooling 0.5 s, dense layers 0.7 s. "bare
products" below are still the im2col design's products: Winograd's step does fewer FLOPs
than step_flops counts, so "of limit" understates what it reaches.
Tried and dropped for Winograd: F(2x2, 5x5) (slower: 9 products per output), F(4x4, 5x5)
(no faster: bigger transforms, 16/14 of the tiles wasted at 14x14; less accurate), blocks
of 5-10 examples (OpenBLAS packs the skinny transform products: 25-30 ns a column instead
of 10; one example per block halved the forward pass), the output transform as two
products of A^T (0.51 vs 0.37 ms a block for the Kronecker product), as_strided views per
block (40 us each: made once per block size with the ndarray constructor), bias/ReLU/pool
per single-example block (0.9 s of the 10k forward in per-call costs: now per ~2 MB group),
the tiles scattered by one copy through a padded work array instead of m*m strided copies
(no difference above noise), conv1 as a Toeplitz product over 4-7 output columns (K = 40,
no faster than im2col's K = 25).

Session 6 (hconv). Profiled first, per op: the CPU time of each kernel call of the compiled
plan (timing lines inserted into the plan's generated code, which keeps its in-place
paths), median of 15 steps, 1 thread, 18:50, load 8; ms per step:

  Adam, 3136x1024 weight        12.4    fc1 products: input grad 6.4, forward 5.8, weight 5.5
  conv2 forward + bias + ReLU   10.5    conv1 ReLU + max-pool gradient   4.9 (conv2: 2.1)
  conv2 filter gradient         10.0    conv1 forward + bias + ReLU      4.1
  conv2 input gradient           8.8    conv1 filter gradient            2.9
  max-pools                  1.8 + 0.7  bias gradients 0.9, the rest < 0.3 each (80 in all)

TensorFlow's own trace of the same step (step_stats, wall times scaled to its CPU time) has
conv2's three kernels at about 9-10 ms each, Adam ~9.7, fc1 5.4 / 5.3 / 3.6, but conv1's two
kernels at ~1.2 ms together and all pooling and ReLU gradients at ~2.5: the gap is mostly
the first layer and the pooling around it (~14 ms against ~3), then Adam and fc1 (+3-4 each).
Inside the Winograd forward (isolated, 50 examples): the 49 products 2.4 ms (at ~100 GFLOP/s),
the m*m tile copies 1.6, input transform 1.8, output transform 0.8; the filter's transform
(two float64 tensordots) 1.3 ms, made twice a step (forward, turned for the input gradient),
and the filter gradient's way back the same.

Changed (every result bit for bit as before; tests/test_fusion.py, test_pool_kernels.py):
- The fused evaluation call pools first, then adds the bias and applies the ReLU to the
  pooled quarter (exact: both are monotone; a bias with inf or -0.0 keeps the written order),
  ops/conv_blocks.py. conv1 + pool over 500 images: 34-38 ms against 40-46 (in turns, load 18).
- Winograd: each block's tiles go in place with one copy into a tile-padded group array
  (was m*m strided copies per block); the filter's transform and the filter gradient's way
  back are each one float64 product with kron(G, G) (1.3 -> 0.2 ms, three a step); the
  filter gradient pads the output gradient to whole tiles once (one copy per block).
- The 2x2 max-pool gradient runs over ~1 MB blocks, checking for NaN first cells and all
  -inf windows in cache (the whole-array checks cost ~0.8 ms from memory).
- In a training step the max-pool joins the fused Conv2D + bias + Relu call (fusion.py): the
  activation is written out and each block pooled while in cache.
Per op, main -> this, two alternating pairs (19:25, load 16, ms): conv1 forward + pool
7.1 / 6.1 -> 6.2 / 5.9, conv2 forward + pool 12.1 / 11.4 -> 11.1 / 10.6, conv2 input gradient
9.8 / 9.9 -> 8.8 / 8.9, conv2 filter gradient 13.4 / 10.5 -> 11.8 / 11.5, conv1 ReLU + pool
gradient 5.3 / 4.9 -> 4.9 / 4.8; sum of the ops 87.2 / 81.8 -> 81.4 / 80.1. Whole step in
turns (main and this in two processes, 30 rounds of 3 steps, CPU time, load 16): 0.93x
(per-round ratio 0.94; main against itself 1.00-1.02); 50-image forward 0.88x; forward over
10,000 images 0.89-0.92x.
This benchmark (CPU time, medians in turns with TensorFlow): before, 18:43, load 2.4, 10
rounds: step 81.3 vs 58.0 ms (1.40x), forward over 10,000 images 3.34 vs 2.42 s (1.38x);
after, 20:16, load 17, 15 rounds: step 85.1 vs 57.2 ms (1.49x: at this load the step's
figures swing by 10%; against main in turns it is 0.93-0.98x), forward 3.39 vs 2.80 s
(1.21x). Targets: step <= 55 ms and <= 1.0x NOT met; forward <= 1.2x at the edge.
Tried and dropped in session 6: conv1 on the padded width (each tap's row of the column
matrix one contiguous run per example: the columns in a third of the time, but the product
grows by 32/28 and the result needs a copy out: 50 images 5.2 vs 3.6 ms, 500 pooled equal);
numexpr for Adam (bit-identical, 29 vs 12 ms); Adam fused with its gradient's product in
16-64-row blocks (no faster: 16-18 vs 16.4 ms); conv1's columns in pooling-parity order
(space to depth) so that pooling reads contiguous planes (the strided copies cost more than
the pool saves); Winograd blocks of 2-5 examples (within the noise). Seen, not used yet:
np.maximum / np.fmax with a scalar run at ~0.4 ns an element here, ~0.18 with an array
operand (NumPy 2.4): the ReLU and the pool's floor could use a zero / lowest array.

Session 7 (hk1): the first layer per pooling phase (ops/conv_phases.py). Profiled per op
with --per-op (the timing lines are in the plan's generated code), main at dc223a7 and this
code in alternating processes, 20 steps each, two pairs, 22:17-22:18, load 6.9-7.5, CPU ms:

                                                      before          after
  conv1 forward + bias + ReLU + max-pool           5.92 / 5.85     5.77 / 6.12
  conv1 ReLU + max-pool gradient                   4.81 / 4.50  }
  conv1 filter gradient                            3.10 / 2.71  }  3.59 / 3.96 (one call)
  conv1 bias gradient (ReduceToShapeOf)            0.62 / 0.55  }
  conv1 in all                                    14.45 / 13.61    9.36 / 10.08
  (unchanged: Adam 12.6 / 11.8, conv2's three kernels 31 / 28, fc1's products 18 / 17)

In a training step the conv1 call now builds each block's column matrix in pooling-phase
order (one strided copy), so one product gives the four cells of every 2x2 window one after
the other; after the same bias, ReLU and fmax calls as before, it writes the pooled result,
one byte per pooled element naming the window's first maximum, and keeps the column matrix
(3.9 MB) instead of the 5 MB activation. Backwards, ReluGrad(MaxPoolGrad), the filter
gradient and the bias gradient are one call: each block's gradient is made phase by phase in
cache from the codes and multiplied by the kept columns; the full-size gradient is never
written. Pooled result and ReLU gradient bit for bit as before; filter and bias gradients the
same sums in another order (within 64 ulps of the terms' magnitudes, tested; ~3e-8 relative
in float32). Whole step in turns in one process (20 rounds of 3 steps, CPU, load 8): 0.959x
with the forward's codes alone, 0.949x with the fused backward too.
This benchmark, 22:16, load 7.3-7.5 (two niced trainings and other helpers' test suites),
10 rounds, CPU time: step 69.1 vs TensorFlow 53.3 ms (1.30x; best 58.2 vs 45.5, 1.28x; end
of session 6 at load 2: 74.2 vs 51.9, 1.43x), 41% of the sgemm limit (sgemm at 69 GFLOP/s
under this load); forward over 10,000 images 3.07 vs 2.87 s (1.07x; unchanged: evaluation
keeps the plain fused call). Again at 22:55 with main's batch split landed (one core here),
load 8-9 (wall times 3-7x the CPU times, sgemm at 20 GFLOP/s wall): step 82.3 vs 56.4 ms
(1.46x), forward over 10,000 images 3.33 vs 2.73 s (1.22x); the whole step of this code and
of the first landing in alternating processes at that load: 71.6-86.4 vs 78.7-84.4 ms (no
difference above the noise), so the higher ratio is the load's. Targets: step <= 55 ms and
<= 1.0x NOT met; forward <= 1.2x met at load 7, at the edge at load 9.
Tried and dropped in session 7: a plane matrix of the 36 distinct (row, column) offsets
instead of the 100-row phase columns (one product with the filter placed per cell, K = 36,
N = 128: bit for bit for finite inputs; with warm caches its copy took 0.35 ms instead of
1.05, but with the caches flushed as in a step the forward was 6.46 vs 6.13 ms and the
gradient 4.71 vs 3.87); codes for conv2 made in Winograd's groups (its pool gradient 1.12
instead of 1.77 ms, its forward 8.08 instead of 7.29: a net loss); rebuilding the columns in
the gradient instead of keeping them (no difference above the noise); fc1's products as
transposed or column-blocked products (bit for bit the same; 10-25% faster at load 3-5, no
faster at load 8); np.maximum against a zero array (no faster with this NumPy). Left as they
are: Adam (its 12 passes keep TensorFlow's order of rounding; no pair of them is one NumPy
operation), conv2's Winograd kernels (9-11 ms each, as TensorFlow's), fc1 (at the measured
sgemm rate). Still above TensorFlow: conv1's forward (~6 ms against ~0.6: a K = 25 product
at ~40 GFLOP/s and the passes over its output), Adam (+2-3 ms), fc1 (+2-3 ms).

Session 8 (hpol). With two cores granted (the default on a quiet machine once the thread
policy grants them, config.py) the step's kernels are split over both (batch_split.py,
workers.py); --per-op now prints the calling thread's CPU time beside the process's. Main's
kernels (00:59, load 5-6: the lead's two trainings), --only-per-op --blas-threads 2, 15
steps, CPU ms per step, process / calling thread:

  Adam, 3136x1024 weight         13.3 / 6.7   conv2 forward + pool (MaxPool_1)  12.7 / 6.5
  fc1 input gradient              7.1 / 3.6   conv1 forward + pool (MaxPool)     7.3 / 3.7
  fc1 forward                     6.4 / 3.2   fc1 weight gradient                5.5 / 2.9
  conv2 filter gradient          12.8 / 6.4   conv2 input gradient              11.0 / 5.8
  conv1 filter + bias gradients   4.0 / 2.1   all 80 steps                      85.3 / 45.1

Every big kernel is split: nothing large stays serial on the calling thread; what is left
above TensorFlow is per-kernel speed. Adam (memory-bound: 7 arrays of 12.8 MB streamed, 12
passes in L2-sized blocks) and fc1 (M = 50 products, bit-identical transposed forms no faster
in turns: 2.8-3.4 vs 2.6-3.4 ms a half) were left; conv1's forward, the farthest above
TensorFlow (~6 ms against ~0.6 at one thread), was made faster, same bits
(tests/test_conv_phases.py, now also at the tutorial's 28x28x1 -> 32 shape). Inside it
(25 examples, one part of the split, thread CPU, load 8): columns 0.69 ms, product (K = 25)
0.59, bias 0.29, ReLU 0.24, pooling 0.29, winner codes 0.26, isnan 0.10, set-up 0.16.
- The column matrix from the 36 distinct input planes (tap (i, j) of phase (a, b) reads
  plane (i + a, j + b)): one gather of 14-element rows into the planes, then 196-element
  runs per example: 0.22 -> 0.15 ms a block of 11 examples (was 100 rows of 14-element runs).
- Bias and the ReLU's zero as rows of 196 x 32 elements (NumPy's loops over 32-element rows
  of the broadcast bias and with a scalar zero ran at half speed): ~0.5 -> ~0.3 ms.
- Winner codes: "lost so far" flags summed as bytes, 7 passes instead of 10.
conv1's forward in turns, one process, thread CPU, median of 100 (load 10): 25 examples
2.83 -> 2.45 ms (0.87x), 50 examples 6.29 -> 5.14 ms (0.82x). In the step (main and this
in alternating processes, the same --only-per-op run, load 11-12): conv1 forward 7.07 /
7.35 -> 5.57 / 6.33 ms of process CPU (3.72 / 3.76 -> 2.84 / 3.38 on the calling thread);
at one core (01:40-01:44, load 11-13): 6.66 / 5.81 -> 5.24 / 5.10 ms. The whole step's
sums swing by 10% between processes at this load (77.7-89.7 ms at one core for main), so
no step-level figure is claimed; on a quiet machine conv1's share is ~1.2 ms of ~70 at one
core, ~0.6 ms of the ~45 ms critical path with two.

Session 10 (perf). The machine was shared all session (load 3-13: four other agents, so
no quiet figure here; the lead re-measures). First, why session 9's step was 45.9 ms alone
but 52.8 ms in turns with TensorFlow: it is not TensorFlow's turn. The same step timed in
one process with TensorFlow's step between two of ours or a 50 ms sleep instead, alternated
(30 rounds each, 06:13, load 3.6): 53.9 vs 54.5 ms median (best 45.8 vs 47.0); no page
faults in either (getrusage: 0 minor faults per step, the allocator keeps freed arrays), and
TensorFlow's worker uses no CPU between its steps (its threads sleep; /proc/PID/stat over
0.2 s after each step: 0). The two figures came from two runs minutes apart; at load 1-2
the median step moves by 10-15% between runs (this session: 47.1 best, 56.6 median in one
run at load 0.7-2.8). Only ratios in one run are comparable.

Where the time went at the start (--only-per-op, 1 thread, load 3, ms per step, sum 52.8):
Adam on the 3136x1024 weight 7.7, conv2 forward + bias + ReLU + pool 7.5, conv2 filter
gradient 7.4, fc1 input gradient 6.0, conv2 input gradient 5.7, fc1 forward 5.0, fc1 weight
gradient 4.8, conv1 forward + pool 3.1, conv1 filter + bias gradients 2.2, conv2 ReLU + pool
gradient 1.3, dropout's random numbers 0.7, the other 69 steps 1.5. TensorFlow's own trace
(step_stats at load 3; wall times summing to 91.5 ms for a step of 50.1 ms of CPU, so read
them at ~0.55x): conv2's three kernels 16.2-17.4 (~9 each), fc1 input gradient 13.1 (~7.1:
its slowest product too), weight gradient 8.1, forward 7.7, Adam 7.4 (~4), conv1 1.2 + 0.8,
all pooling and ReLU gradients ~1.3.
Changed:
- fc1's input gradient, ``g @ w.T`` with 50 rows: OpenBLAS is faster on the same product
  turned around, ``w @ g.T`` ([3136, 1024] x [1024, 50]) and copied back transposed
  (matmul_forms.py; same bits): 6.9 -> 5.4 ms alone with the caches flushed (25 rounds in
  turns, two runs: 0.78x, 0.79x); in the step 6.3 / 6.4 -> 5.6 / 5.5 ms (two pairs of
  processes, load 9).
- Winograd's filter gradient in blocks of 150 tiles (6 examples) instead of 400, so that its
  point products stay in L2: alone 8.0 -> 6.5 ms; the whole step in alternating processes
  (8 rounds of 12 steps, load 9): 0.924x (paired 0.912x). The sum over blocks changes the
  float32 rounding of the filter gradient (~1e-5 of its largest entry, as between any two
  block sizes, or one core and two); training seed 0 to 1,650 steps (test accuracy every
  110): one core, old / new, first >= 99% at step 1,540 both (99.00 / 99.05%; 98.99% at
  1,320 both), two cores (split every step) 1,320 both (99.04 / 99.03%), final 99.03 /
  99.03% and 99.07 / 99.07%.
- Winograd's forward blocks of 5 examples instead of 1 (the input transform's ~175 tiny
  products per block shared by more columns; same bits): alone 5.9 -> 5.5 ms; in the step
  (alternating processes, load 13) 0.973x.
The three together, alternating processes (6 rounds of 10 steps, 06:23, load 4.6): 59.7 ->
54.5 ms median (0.913x).
Helper rng's faster Philox (main at fc33df2 / f13b330, ops/philox.py; not this work): the
dropout's RandomUniform 0.83 / 0.94 -> 0.59 / 0.72 ms and 0.85 / 0.67 -> 0.67 / 0.65 ms per
step at one core (--only-per-op, before and after in alternating processes, load 8; its
draws are also split over two cores now). The whole step, main at this session's start
(b5753a1) against main with both (alternating processes, 10 rounds of 12 steps, 07:25, load
7.4): 64.1 -> 60.3 ms median (0.94x; paired 0.95x); bench_conv itself in the same hour
(load 7, 10 rounds): step 56.2 vs TensorFlow 50.9 ms CPU median (1.10x), best 46.3 vs 46.2
(1.00x); at the start of the session (load 0.7-2.8) 56.6 vs 51.0 (1.11x), best 47.1 vs 46.9
(1.01x). At these loads the medians carry the load; the quiet re-measure decides.
Tried and dropped (same method): Adam in blocks of 32K elements (1.02x), the first layer's
phase blocks of 1 MB instead of 2 (0.98-1.02x), conv2's input gradient in blocks of 4
examples (1.00x), fc1's forward in column blocks (no faster alone), its weight gradient in
row or column blocks (slower alone), Adam fused with its weight gradient's product in 64-256
row blocks (no faster alone: 12.9-13.1 vs 13.2 ms; the step is compute-bound there, not
memory-bound), the filter gradient's output gradient copied into tiles straight from the
unpadded array (four copies, no faster), bias + ReLU over 896-element rows in the Winograd
forward's groups (no faster), smaller Winograd groups (no difference). Adam stays the largest
gap to TensorFlow (~2 ms at one thread: TensorFlow's update is one fused pass, NumPy's
fewest is 12 passes, L2-bandwidth-bound: ~4.7 ms of compute with the data in cache, ~1.2 us
a call at smaller blocks), then conv1 + its pooling (~3 ms).

Session 11 (perf). The machine was quiet only at the start (08:56, load 0.3 rising to 2.4
during the run); from 09:05 on several agents' test suites kept it at load 4-18, so every
later figure is a ratio in turns, and the two-core step's wall times (3-6x its CPU time at
load 10+) say nothing. At the start, this benchmark (10 rounds, CPU time): step 55.94 vs
TensorFlow 51.99 ms median (1.08x; best 48.21 vs 49.16, 0.98x; wall 56.90 vs 57.23, 0.99x),
forward over 10,000 images 1.04x. Per op, one core (--only-per-op, load 2.5, ms): Adam on
fc1's weight 8.3, conv2 forward + pool 8.1, conv2 filter gradient 7.1, conv2 input gradient
6.6, fc1's products 5.5 / 5.4 / 5.2, conv1 forward + pool 3.6, conv1 filter + bias gradients
2.7, conv2 ReLU + pool gradient 1.7, dropout's draws 0.7, the other 61 steps 1.1.
The two-core step (issue 16's time to 99%) had 14 parallel regions (workers.run_together), each
waking a helper thread (~0.1 ms before it runs, session 10), and its split parts cost ~20% more
CPU than the whole kernels. Changed (docs/architecture.md, "Fewer helper wake-ups a step"):
- batch_split: each part copies its output into the joined array in its own call (3 regions a
  step had only copied outputs over 1 MB); workers.split_run gives the calling thread the part
  with the rest (Adam's 3.2 M elements: 1.64 M on the caller, which starts at once).
- step_pairs.py: fc1's input and weight gradients, and conv2's input and filter gradients, run
  as pairs, each kernel whole on its own core (one region for two kernels, no joins, conv2's
  filter gradient the one-core result bit for bit); conv1's filter and bias gradients run in
  the pair after conv2's input gradient on the calling thread (~8.3 ms of one core's work)
  while the helper computes conv2's filter gradient (~7.6 ms).
- conv_phases: conv1's ReLU after the pool, on the pooled quarter (same bits and winners).
In turns: the CNN step at two cores, pairs off / on in one process (20 rounds of 3 steps,
09:16, load 9): process CPU 66.1 -> 64.0 ms, regions 11 -> 9; main at the session's start
against this (alternating processes, 30 steps each, critical path = the calling thread's CPU
plus, per region, how much longer the helper's part took; 09:54, load 13, four pairs):
34.9 -> 34.1 ms median, regions 14 -> 9; the tail (10:11, load 18, four pairs): medians 34.3
-> 35.5 ms (per pair 0.5, 0.5 and 0.1 ms less, one 3.3 more: noise at that load), regions 9 ->
8. conv1's forward alone (25
and 50 examples, in turns in one process, thread CPU, load 12, three runs): 0.95-0.97x.
Each wake-up saved is ~0.1 ms of the step's wall time on a quiet machine that these CPU
figures do not show: 6 of 14 a step.
This benchmark at 09:52 (load 12-14, 10 rounds, CPU time): step 60.94 vs 55.14 ms (1.11x;
best 49.71 vs 49.14, 1.01x), forward over 10,000 images 1.08x: the one-core step is the same
code but conv1's ReLU (~0.2 ms), so the target (<= 1.0x at the median) is NOT met, as at the
start. What is left at one core is where NumPy has no faster form: Adam (12 passes, ~2 ns an
element in L2; TensorFlow's fused update ~4 ms less), conv1 + pooling (~3 ms more than
TensorFlow's), fc1's M = 50 products at ~60 GFLOP/s.
Tried and dropped: Adam with the dead gradient's block as its denominator's scratch (5 blocks in
L2 instead of 6), blocks of 64K, 48K and 32K elements (in turns, load 12: 1.02-1.07x, no
faster; as sessions 4-10 found for the block size); a helper that spins between regions instead
of sleeping (a GIL-free spin through ctypes was considered and not built: the helper's start
waits for the caller's GIL anyway, as long as the caller's part runs Python before its first
NumPy call: measured with a 100 us prologue, the helper started ~100-200 us late either way).

Session 12 (perf). Quiet only at 11:56 (load 0.1); load 7 by 12:00 and 16-20 from 12:20, so
no one-thread figure against TensorFlow from this session (this session changed nothing that
runs at one core: the work below is in the two-core step's threads, bench_models.py). The
two-core step per op (--only-per-op --blas-threads 2, 15 steps, load 19, main and this in
alternating processes, two pairs, process / calling thread CPU ms): sums 55.6 / 30.9 and
51.8 / 28.1 for main, 52.8 / 28.9 and 52.9 / 28.5 for this; conv2's gradient pair 15.1 / 8.8
and 14.0 / 8.1 against 15.0 / 8.2 and 14.6 / 8.2; Adam on fc1's weight 7.7 / 4.4 and 6.8 /
3.6 against 7.1 / 3.3 and 7.0 / 3.5 (within the noise at that load). What the change is for
(the threads' waits, not their CPU) is measured in bench_models.py's docstring: the calling
thread's blocked time in the regions 18-41 -> 6-13 ms a step at load 16-17. Left at one
core, as session 11 found: Adam (12 NumPy passes; TensorFlow's fused update ~4 ms less),
conv1 + pooling (~3 ms more than TensorFlow's), fc1's M = 50 products at ~60 GFLOP/s.

Session 13 (perf). Quiet only at 15:04 (load 0.01); 7-8 from 15:08 and 10-17 after, so every
figure below is CPU time, and the two-core step's wall times are the load's. This benchmark at
15:28 (load 15, 5 rounds, nice 10): step 59.3 vs TensorFlow 57.7 ms CPU median (1.03x; best
1.04x), forward over 10,000 images 1.08x. Per op at one core (--only-per-op, 15:09, load 7.4):
conv2's gradient pair 19.0 ms, fc1's gradient pair 11.5, conv2 forward + pool 9.2, Adam on
fc1's weight 8.3, fc1 forward 5.7, conv1 forward + pool 4.0, conv2 ReLU + pool gradient 2.0,
dropout's draws 0.8, the other 60 steps 1.0. Nothing changed in the kernels; what was measured
for the levers left by session 12 (thread CPU, caches flushed between runs unless said):
- Adam (lever 1). One update of 3.2 M float32 elements, the same 12 passes in 64K blocks: with
  every block already in cache (the same block 49 times) 6.1-6.4 ms; streamed from memory
  8.0-8.9 ms; reading four such arrays and writing three (the memory alone, three passes)
  2.1-2.3 ms. So NumPy's update is its in-cache passes PLUS the memory traffic, one after the
  other; TensorFlow's single fused loop overlaps the two (~4 ms). Per 64K-element pass in
  cache: add, subtract, multiply, divide 4.5-10 us, square 5-7, sqrt 24-26 us (0.37 ns an
  element at every size from 2K to 4M: the float32 square root itself, ~1.2 ms of the update).
  No two of the 12 passes are one NumPy call with the same rounding (no fused multiply-add
  ufunc; (g - m) * k, sqrt(v) + eps, ...): 12 is the floor, as sessions 4-12 found. Blocks of
  64K-256K elements are equal within the noise (8K: +45%, whole arrays: +80%); the gradient
  and the weight warmed into the L3 first (as if the update ran right after the gradient's
  product): no faster (6.5-7.5 vs 6.5-6.9 ms; the L3 is shared with the other agents).
- conv1 + pooling (lever 3). Its forward per section (50 examples, caches flushed): planes +
  phase columns 0.93 ms, the K = 25 product 1.15, bias 0.20, NaN check 0.13, pool (three fmax)
  0.34, winner codes 0.35; its fused backward: pooled gradient x (y > 0) 0.35, bias sum 0.10,
  masks 0.18 and masked copies 0.59, products 1.35 (cols @ dz is the fastest of four forms).
  Tried: no column matrix at all: with the filter padded to 5x6 taps by a zero column, each
  pooling phase's columns are a plain 2-D view of the 36 planes (K = 29), bit for bit the
  same products for finite inputs (0 * x adds nothing to an FMA chain that starts at +0.0; an
  inf or NaN input would need the old way); the column copy it saves (0.41 ms) is eaten by
  the longer product (+0.14) and the noise: 50 examples 1.79 / 1.71 ms now vs 1.45 / 1.70,
  filter gradient from the planes 1.45 / 1.45 vs 1.38 / 1.65 (and its rounding would change):
  dropped. conv2's ReLU + pool gradient (1.5 ms alone): the broadcast equality (0.36-0.48) and
  the uint32 x bool masked copy (0.52-0.69) are its two big passes; copyto with where= (3.5
  ms), per-cell copies (0.69-1.09) and 896-element rows with y and the gradient doubled along
  the width first (0.56 / 0.69) are all slower.
- fc1's products (load 9): x @ W 5.4 ms, padded to 64 rows 5.8, two 25-row halves 7.5, two
  column halves 5.4, x.T contiguous first 5.0 (weight gradient); (dy.T @ x).T 4.1-4.3 for
  the weight gradient but its result is the transpose, and Adam needs C order (a 12.8 MB
  transposing copy): no form left that is faster and usable.
- Two cores (--regions, new: per parallel region and thread the CPU, and the step's CPU
  critical path, the calling thread's CPU outside the regions plus per region the longer
  thread's). At 15:34-15:35 (load 14): critical path 39.2 / 40.6 ms (process CPU 68 / 72,
  wall 311-321: the load), 8 regions; caller / helper CPU ms: conv1 forward 2.2 / 1.9-2.1,
  conv2 forward 5.1-5.5 / 4.8-5.1, fc1 forward 3.0-3.2 / 3.0, dropout 0.1 / 0.9, fc1's
  gradient pair 5.6-5.7 / 5.2-5.4, conv2 ReLU + pool gradient 0.1-0.7 / 1.6-2.0, conv2's
  gradient pair 9.4-9.8 / 8.0-8.2, Adam 4.0-4.4 / 4.5-4.6. Time a thread spent neither
  running nor in the run queue inside its region calls: ~0 (a first count had used
  schedstat's CPU figure, which only moves at scheduling events, and showed 7 ms a step of
  "GIL waits" in conv2's filter gradient: an artefact; thread_time gives ~0).
- Lever 2, built (step_pairs._update_for, docs/architecture.md "A big optimizer update inside
  the last pair"): fc1's Adam runs inside conv2's gradient pair, on the helper after conv2's
  filter gradient, its blocks shared with the calling thread once that is done; one region a
  step fewer (8 -> 7), the update still in place (the pair hands its dead inputs on one by
  one), the same bits. In turns in one process (two sessions on one graph, alternating
  steps, 40 each, 15:46-15:50, load 16-17; the critical path counts the calls a thread takes
  from the region): CPU critical path 34.6 -> 33.5, 35.7 -> 34.5, 38.1 -> 36.9 ms (medians;
  paired ratios 0.930, 0.971, 0.993), process CPU 60.3 -> 58.2, 59.5 -> 57.6, 62.9 -> 63.1.
  Separate processes at that load swing by +-3 ms (seven pairs: -2.9 to +2.9 ms). Not all of
  the helper's idle ~1.5 ms is gained: Adam's blocks on one core share the memory bus and the
  L3 with conv2's kernels on the other (the region's CPU rises by ~1 ms). At one core nothing
  changes (the pair runs its kernels in turn, the update last). The wall-time gain on a quiet
  machine (one wake-up and one barrier fewer, ~1 ms of the critical path) is not measured.

What changed, each measured in turns against the code before it:
- Session 4: plan fusion (fusion.py). Conv2D + bias + Relu run as one call that adds the
  bias and applies the ReLU to each L2-sized product block while it is in cache (the conv
  output also dies at once: the add's gradient reads only its shape, served by a zero-stride
  stand-in); in evaluation a max-pool reading only the ReLU joins the call, pooled block
  by block; ReluGrad(MaxPoolGrad) is one call multiplying the pooled gradient by (max > 0)
  before routing it. Bit-identical results (tests/test_fusion.py, NaN and inf included).
- Tried in session 4 and dropped: "row strips" instead of im2col (a kw-expanded copy 5x
  smaller than the column matrix, then kh products with K = kw*c accumulated, shared by the
  forward and the filter gradient): forward 18.6 vs 15.3 ms, filter gradient 17.6 vs 16.7,
  input gradient 23.9 vs 17.2 (products with K = 160 are slower and the accumulation costs
  passes); the col2im input gradient again (21-23 vs 14-15 ms); chunk sizes 1-32 MB for the
  10k forward (no difference above noise); Adam blocks of 4K-128K elements (32K-64K best).
- Session 3: the stride-1 input gradient is a VALID convolution of the padded output
  gradient with the filter turned half a turn (in/out channels swapped): one im2col and one
  product per block, no scatter-add of 25 taps: 0.8x the time of the col2im version.
- Adam writes into its variable and slots when nothing else holds them (ownership.py: the
  plan hands a kernel its dead inputs and reference counts say who else can see them):
  0.5x the time of writing three new 13 MB arrays, same float results.
- Inputs with up to 4 channels (the first layer) build their column matrices transposed,
  one copy per tap of whole planes: forward 1.5 ms instead of 2.5, filter gradient 1.9
  instead of 2.8 (batch 50).
- Bias adds, ReLU and its gradient write into dead inputs; pooling reduces straight into its
  result; one strided view per convolution instead of one per block (as_strided costs
  about 40 us a call: 3 ms a step).
Tried and dropped in session 3: keeping the forward's column matrix for the filter gradient
(31 MB for conv2): writing it out of cache cost more (+4.5 ms) than rebuilding it saved
(2.7 ms); the transposed product for the input gradient ([32, K] x [K, pixels]): 1.5x slower.

Session 15 (lead, 3 Dec 06:15-06:18, a quiet machine at load 0.3-1.2; no kernel changed this
session). This benchmark, 5 and 10 rounds in turns: step wall median 43.2 vs TensorFlow
44.5 ms (0.97x) in the first run, 1.01x in the second; CPU 1.00x / 1.01x, best 1.00x; 95-96%
of the sgemm limit (41.0 ms); forward over 10,000 images 0.77x / 0.74x. Where the step goes
(--only-per-op, one core, median of 20 steps, CPU ms, sum 42.2): the paired call of conv2's
input and filter gradients 17.9, fc1's two gradient products 9.0, conv2 forward + bias + ReLU
+ pool 5.6, fc1 forward 4.5, conv1 forward + pool 2.4, conv2's ReLU gradient 1.2, dropout's
draws 0.5, the other 69 steps 1.1 (conv1's fused gradient and fc1's Adam update are not
listed on their own: step_pairs.py runs them inside the pairs). TensorFlow's oneDNN step on
this machine is 43-45 ms: the two are at parity, and NumPy's bare products of the im2col
design (55.6-57.6 ms) are 1.33x smallflow's step (Winograd and the fused calls do fewer
FLOPs than the limit counts).

Run: python benchmarks/bench_conv.py [--repeats N] [--blas-threads N] [--profile] [--per-op]
     [--only-per-op] [--regions] [--no-tensorflow]
     (--blas-threads: threads for every contender, default 1)
"""

import argparse
import os
import statistics
import sys
import time

BATCH = 50
STEPS_PER_EPOCH = 55_000 // BATCH


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20,
                        help="timed runs of each contender (default: 20)")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="BLAS threads for every contender (default: 1)")
    parser.add_argument("--profile", action="store_true",
                        help="also print the functions smallflow's step spends its time in")
    parser.add_argument("--per-op", action="store_true",
                        help="also print the CPU time of each kernel call of the step's plan")
    parser.add_argument("--only-per-op", action="store_true",
                        help="print only --per-op's table (no rounds against the baselines)")
    parser.add_argument("--no-tensorflow", action="store_true",
                        help="skip TensorFlow even when its venv is there")
    parser.add_argument("--regions", action="store_true",
                        help="print only, for the step at two cores, each parallel region's "
                             "CPU, run-queue and blocked time per thread (no rounds)")
    return parser.parse_args(argv)


ARGS = _parse(sys.argv[1:]) if __name__ == "__main__" else None
if ARGS is not None and ARGS.blas_threads is not None:
    for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_name] = str(ARGS.blas_threads)

import numpy as np  # noqa: E402 - after the thread settings above
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

import smallflow as tf  # noqa: E402

F32 = np.float32


# --- the hand-written baseline -----------------------------------------------------------------


def _windows(x, k):
    """SAME-padded sliding windows of x [n, h, w, c]: a view [n, h, w, c, k, k]."""
    before = (k - 1) // 2
    padded = np.pad(x, ((0, 0), (before, k - 1 - before), (before, k - 1 - before), (0, 0)))
    return sliding_window_view(padded, (k, k), axis=(1, 2))


def base_conv(x, w):
    return np.tensordot(_windows(x, w.shape[0]), w, axes=([3, 4, 5], [2, 0, 1]))


def base_conv_filter_grad(x, k, g):
    dw = np.tensordot(_windows(x, k), g, axes=([0, 1, 2], [0, 1, 2]))  # [c, k, k, o]
    return dw.transpose(1, 2, 0, 3)


def base_conv_input_grad(w, g):
    n, h, width, _ = g.shape
    k = w.shape[0]
    taps = np.einsum("nhwo,ijco->nhwijc", g, w, optimize=True)
    padded = np.zeros((n, h + k - 1, width + k - 1, w.shape[2]), dtype=g.dtype)
    for i in range(k):
        for j in range(k):
            padded[:, i : i + h, j : j + width] += taps[:, :, :, i, j]
    top = (k - 1) // 2
    return padded[:, top : top + h, top : top + width]


def base_pool(x):
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def base_pool_grad(x, g):
    n, h, w, c = x.shape
    blocks = x.reshape(n, h // 2, 2, w // 2, 2, c).transpose(0, 1, 3, 5, 2, 4)
    first = blocks.reshape(n, h // 2, w // 2, c, 4).argmax(axis=-1)
    routed = np.where(first[..., None] == np.arange(4), g[..., None], F32(0))
    return routed.reshape(n, h // 2, w // 2, c, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(x.shape)


def base_forward(params, images):
    w1, b1, w2, b2, w3, b3, w4, b4 = params
    x = images.reshape(-1, 28, 28, 1)
    z1 = base_conv(x, w1) + b1
    r1 = np.maximum(z1, 0)
    p1 = base_pool(r1)
    z2 = base_conv(p1, w2) + b2
    r2 = np.maximum(z2, 0)
    p2 = base_pool(r2)
    flat = p2.reshape(-1, 7 * 7 * 64)
    h3 = np.maximum(flat @ w3 + b3, 0)
    return (x, z1, r1, p1, z2, r2, p2, flat, h3), h3 @ w4 + b4


def base_gradients(params, images, labels, mask, keep_prob):
    w1, b1, w2, b2, w3, b3, w4, b4 = params
    (x, z1, r1, p1, z2, r2, p2, flat, h3), _ = base_forward(params, images)
    dropped = h3 / F32(keep_prob) * mask
    logits = dropped @ w4 + b4
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    loss = (labels * (np.log(total) - shifted)).sum(axis=1).mean()
    d_logits = (exp / total - labels) / F32(len(images))
    d_w4 = dropped.T @ d_logits
    d_b4 = d_logits.sum(axis=0)
    d_h3 = (d_logits @ w4.T) * mask / F32(keep_prob) * (h3 > 0)
    d_w3 = flat.T @ d_h3
    d_b3 = d_h3.sum(axis=0)
    d_p2 = (d_h3 @ w3.T).reshape(p2.shape)
    d_z2 = base_pool_grad(r2, d_p2) * (z2 > 0)
    d_w2 = base_conv_filter_grad(p1, 5, d_z2)
    d_b2 = d_z2.sum(axis=(0, 1, 2))
    d_p1 = base_conv_input_grad(w2, d_z2)
    d_z1 = base_pool_grad(r1, d_p1) * (z1 > 0)
    d_w1 = base_conv_filter_grad(x, 5, d_z1)
    d_b1 = d_z1.sum(axis=(0, 1, 2))
    return loss, [d_w1, d_b1, d_w2, d_b2, d_w3, d_b3, d_w4, d_b4]


class BaseAdam:
    """TensorFlow 1.x's Adam written as plain NumPy expressions."""

    def __init__(self, params, lr=1e-4, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.lr, self.beta1, self.beta2, self.epsilon = lr, beta1, beta2, epsilon
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def apply(self, params, grads):
        self.t += 1
        lr_t = F32(self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t))
        new_params = []
        for i, (p, g) in enumerate(zip(params, grads)):
            self.m[i] = self.m[i] + (g - self.m[i]) * F32(1 - self.beta1)
            self.v[i] = self.v[i] + (g * g - self.v[i]) * F32(1 - self.beta2)
            new_params.append(p - lr_t * self.m[i] / (np.sqrt(self.v[i]) + F32(self.epsilon)))
        return new_params


# --- the smallflow program ---------------------------------------------------------------------


def build_tutorial_graph(initial):
    """The tutorial's network, variables initialised to ``initial``; returns its handles."""
    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.float32, [None, 10])
    keep_prob = tf.placeholder(tf.float32)
    variables = [tf.Variable(value) for value in initial]
    w1, b1, w2, b2, w3, b3, w4, b4 = variables
    x_image = tf.reshape(x, [-1, 28, 28, 1])
    h1 = tf.nn.relu(tf.nn.conv2d(x_image, w1, strides=[1, 1, 1, 1], padding="SAME") + b1)
    p1 = tf.nn.max_pool(h1, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    h2 = tf.nn.relu(tf.nn.conv2d(p1, w2, strides=[1, 1, 1, 1], padding="SAME") + b2)
    p2 = tf.nn.max_pool(h2, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    h3 = tf.nn.relu(tf.matmul(tf.reshape(p2, [-1, 7 * 7 * 64]), w3) + b3)
    logits = tf.matmul(tf.nn.dropout(h3, keep_prob), w4) + b4
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=logits))
    train_step = tf.train.AdamOptimizer(1e-4).minimize(loss)
    return x, y_, keep_prob, variables, logits, loss, train_step


def initial_params(rng):
    def weight(shape):
        return (rng.standard_normal(shape, dtype=F32) * F32(0.1)).clip(-0.2, 0.2)

    shapes = [(5, 5, 1, 32), (32,), (5, 5, 32, 64), (64,), (3136, 1024), (1024,), (1024, 10),
              (10,)]
    return [weight(s) if len(s) > 1 else np.full(s, 0.1, dtype=F32) for s in shapes]


# --- checking and timing ------------------------------------------------------------------------


def check_agreement(initial, images, labels):
    """Loss, gradients and one Adam step (keep_prob 1) must agree between the two: closely
    with the direct convolutions, loosely with Winograd's (smallflow's default), whose
    rounding differs enough from NumPy's to move a max-pool's choice or a ReLU's sign in a
    window or two of this batch (measured: one of each), which moves that gradient entry
    (and may flip the sign of a near-zero one, whose Adam step then goes the other way: the
    update is compared with the direct convolutions only)."""
    previous = tf.config.get_conv_algorithm()
    try:
        tf.config.set_conv_algorithm("direct")
        _check_agreement(initial, images, labels, 1e-3, update=True)
        tf.config.set_conv_algorithm(previous)
        _check_agreement(initial, images, labels, 2e-2, update=False)
    finally:
        tf.config.set_conv_algorithm(previous)


def _check_agreement(initial, images, labels, tolerance, update):
    with tf.Graph().as_default():
        x, y_, keep_prob, variables, _, loss, train_step = build_tutorial_graph(initial)
        gradients = tf.gradients(loss, variables)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            feed = {x: images, y_: labels, keep_prob: 1.0}
            ours_loss, ours_grads = sess.run([loss, gradients], feed)
            sess.run(train_step, feed)
            ours_after = sess.run(variables)
    mask = np.ones((BATCH, 1024), dtype=F32)
    base_loss, grads = base_gradients(initial, images, labels, mask, 1.0)
    base_after = BaseAdam(initial).apply(initial, grads)
    if abs(float(ours_loss) - float(base_loss)) > 1e-4 * abs(float(base_loss)):
        raise SystemExit(f"losses disagree: smallflow {ours_loss} vs NumPy {base_loss}")
    for index, (a, b) in enumerate(zip(ours_grads, grads)):
        error = np.abs(a - b).max() / (np.abs(b).max() or 1.0)
        if a.dtype != np.float32 or error > tolerance:
            raise SystemExit(f"gradient {index} ({a.dtype}) differs: relative error {error:.3g}")
    for index, (a, b, start) in enumerate(zip(ours_after, base_after, initial)):
        if not update:
            break
        if a.dtype != np.float32:
            raise SystemExit(f"variable {index} is {a.dtype}, not float32")
        moved = np.abs(b - start).max()
        error = np.abs(a - b).max()
        # Adam moves every weight by about lr; rounding may flip a tiny fraction of moves.
        if error > 0.05 * moved + 1e-7:
            raise SystemExit(f"variable {index}: update differs by {error:.3g} "
                             f"(the update itself is about {moved:.3g})")


def time_alternately(funcs, repeats):
    """Run the functions in turn ``repeats`` times; each one's (median, best) in ms."""
    times = [[] for _ in funcs]
    for func in funcs:
        func()
        func()
    for _ in range(repeats):
        for slot, func in zip(times, funcs):
            start = time.perf_counter()
            func()
            slot.append(time.perf_counter() - start)
    return [(statistics.median(t) * 1e3, min(t) * 1e3) for t in times]


# --- FLOPs and the machine's matrix-product rate --------------------------------------------------


def step_flops(batch):
    """Multiply-adds x 2 of the step's convolutions and matrix products (what BLAS does).

    conv1: forward and filter gradient (the images need no gradient); conv2: forward, filter
    and input gradients; fc1 and fc2: forward, weight and input gradients. Elementwise work
    (bias, ReLU, pooling, softmax, Adam) is left out: it is memory-bound, not arithmetic.
    """
    conv1 = 2 * batch * 28 * 28 * 5 * 5 * 1 * 32
    conv2 = 2 * batch * 14 * 14 * 5 * 5 * 32 * 64
    fc1 = 2 * batch * 3136 * 1024
    fc2 = 2 * batch * 1024 * 10
    return 2 * conv1 + 3 * conv2 + 3 * fc1 + 3 * fc2


def forward_flops(batch):
    return (2 * batch * 28 * 28 * 25 * 32 + 2 * batch * 14 * 14 * 25 * 32 * 64
            + 2 * batch * 3136 * 1024 + 2 * batch * 1024 * 10)


SGEMM_SIZE = 1024
_A = None


def sgemm():
    """One float32 1024x1024x1024 product into a preallocated result."""
    global _A
    if _A is None:
        rng = np.random.default_rng(5)
        _A = [rng.random((SGEMM_SIZE, SGEMM_SIZE), dtype=F32) for _ in range(2)]
        _A.append(np.empty((SGEMM_SIZE, SGEMM_SIZE), F32))
    np.matmul(_A[0], _A[1], out=_A[2])


SGEMM_FLOPS = 2 * SGEMM_SIZE**3


def _bare_products(batch):
    """The step's matrix products alone, each as one NumPy product of the shape an im2col
    design needs (no column copies, no other work): a floor for any such design here."""
    rng = np.random.default_rng(6)
    pixels1, pixels2 = batch * 28 * 28, batch * 14 * 14

    def operands(*shapes):
        return [rng.random(shape, dtype=F32) for shape in shapes]

    shapes = [  # (left, right): forward, filter gradient, input gradient of each layer
        ((pixels1, 25), (25, 32)), ((25, pixels1), (pixels1, 32)),
        ((pixels2, 800), (800, 64)), ((800, pixels2), (pixels2, 64)),
        ((pixels2, 1600), (1600, 32)),
        ((batch, 3136), (3136, 1024)), ((3136, batch), (batch, 1024)),
        ((batch, 1024), (1024, 3136)),
        ((batch, 1024), (1024, 10)), ((1024, batch), (batch, 10)), ((batch, 10), (10, 1024)),
    ]
    calls = []
    for left, right in shapes:
        a, b = operands(left, right)
        calls.append((a, b, np.empty((left[0], right[1]), F32)))

    def run():
        for a, b, out in calls:
            np.matmul(a, b, out=out)

    return run


# --- TensorFlow compat.v1 in its own process ------------------------------------------------------

TF_PYTHON = os.environ.get("SMALLFLOW_TF_PYTHON", "/work/tf-venv/bin/python")
TF_READY = os.path.join(os.path.dirname(os.path.dirname(TF_PYTHON)), ".ready")

TF_WORKER = r"""
import os, sys, time
import numpy as np
import tensorflow as tf
tf1 = tf.compat.v1
tf1.disable_eager_execution()
data = np.load(sys.argv[1])
threads = int(sys.argv[2])
initial = [data[f'p{i}'] for i in range(8)]
x = tf1.placeholder(tf.float32, [None, 784])
y_ = tf1.placeholder(tf.float32, [None, 10])
keep_prob = tf1.placeholder(tf.float32)
w1, b1, w2, b2, w3, b3, w4, b4 = [tf1.Variable(v) for v in initial]
x_image = tf.reshape(x, [-1, 28, 28, 1])
h1 = tf.nn.relu(tf1.nn.conv2d(x_image, w1, strides=[1, 1, 1, 1], padding='SAME') + b1)
p1 = tf1.nn.max_pool(h1, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')
h2 = tf.nn.relu(tf1.nn.conv2d(p1, w2, strides=[1, 1, 1, 1], padding='SAME') + b2)
p2 = tf1.nn.max_pool(h2, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')
h3 = tf.nn.relu(tf.matmul(tf.reshape(p2, [-1, 7 * 7 * 64]), w3) + b3)
logits = tf.matmul(tf1.nn.dropout(h3, keep_prob), w4) + b4
loss = tf.reduce_mean(tf1.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits))
train_step = tf1.train.AdamOptimizer(1e-4).minimize(loss)
config = tf1.ConfigProto(intra_op_parallelism_threads=threads, inter_op_parallelism_threads=1)
sess = tf1.Session(config=config)
sess.run(tf1.global_variables_initializer())
train_feed = {x: data['images'], y_: data['labels'], keep_prob: 0.5}
test_feed = {x: data['test'], keep_prob: 1.0}
print('ready', flush=True)
for line in sys.stdin:
    what = line.strip()
    cpu = time.process_time()
    if what == 'step':
        start = time.perf_counter(); sess.run(train_step, train_feed)
    elif what == 'forward':
        start = time.perf_counter(); sess.run(logits, test_feed)
    else:
        break
    print(time.perf_counter() - start, time.process_time() - cpu, flush=True)
"""


class TensorFlowWorker:
    """The same network in TensorFlow's compat.v1, in a subprocess that times one run per
    request, so that it and smallflow take turns."""

    def __init__(self, arrays, threads):
        import subprocess
        import tempfile

        self._dir = tempfile.TemporaryDirectory()
        path = os.path.join(self._dir.name, "arrays.npz")
        np.savez(path, **arrays)
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS=str(threads))
        self._proc = subprocess.Popen(
            [TF_PYTHON, "-c", TF_WORKER, path, str(threads)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        if self._proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the TensorFlow worker did not start")

    def time(self, what):
        """Seconds of one run: (wall clock, CPU time of the worker process)."""
        self._proc.stdin.write(what + "\n")
        self._proc.stdin.flush()
        wall, cpu = self._proc.stdout.readline().split()
        return float(wall), float(cpu)

    def close(self):
        self._proc.stdin.write("stop\n")
        self._proc.stdin.close()
        self._proc.wait(timeout=30)
        self._dir.cleanup()


def _tensorflow_worker(arrays, threads):
    if not (os.path.exists(TF_READY) and os.path.exists(TF_PYTHON)):
        print(f"TensorFlow: not available ({TF_READY} missing); its columns are skipped")
        return None
    try:
        return TensorFlowWorker(arrays, threads)
    except (OSError, RuntimeError, ValueError) as error:
        print(f"TensorFlow: could not start ({error}); its columns are skipped")
        return None


class _SelfTimed:
    """A contender that measures itself (the TensorFlow worker) and returns seconds."""

    def __init__(self, func):
        self.func = func


def _rounds(contenders, repeats):
    """Time each contender once per round, in turn.

    Returns two dicts name -> (median, best) seconds: wall clock, and CPU time of the
    process (on a busy machine the CPU time leaves out the time slices other processes
    take, so its ratios are the steadier ones; the work's own slowdown from sharing caches
    and cores remains in both).
    """
    wall = {name: [] for name in contenders}
    cpu = {name: [] for name in contenders}
    for func in contenders.values():
        func.func() if isinstance(func, _SelfTimed) else func()
    for _ in range(repeats):
        for name, func in contenders.items():
            if isinstance(func, _SelfTimed):
                spent_wall, spent_cpu = func.func()
            else:
                start_cpu = time.process_time()
                start = time.perf_counter()
                func()
                spent_wall = time.perf_counter() - start
                spent_cpu = time.process_time() - start_cpu
            wall[name].append(spent_wall)
            cpu[name].append(spent_cpu)

    def summary(times):
        return {name: (statistics.median(v), min(v)) for name, v in times.items()}

    return summary(wall), summary(cpu)


def _timed_plan_source():
    """session._compile's source with each step's line timed into ``T[index]``.

    Timing lines go into the generated code itself: a Python wrapper around each kernel
    would hold references to its arguments, and the kernels that write into dead inputs
    (ownership.py: Adam, ReLU) would then see them shared and take their slower paths."""
    import inspect

    from smallflow import session

    timed = inspect.getsource(session._compile)
    for plain, with_timing in (
            ('lines.append("    " + line)',
             'lines.append(f"    _t = pt(); _u = tt(); {line}; '
             'T[{index}].append((pt() - _t, tt() - _u))")'),
            ('namespace = {"take": ownership.take}',
             'namespace = {"take": ownership.take, "pt": time.process_time, '
             '"tt": time.thread_time, "T": T}')):
        if plain not in timed:
            raise RuntimeError("session._compile changed: update bench_conv._timed_plan_source")
        timed = timed.replace(plain, with_timing)
    return session, timed


def _step_label(op, step):
    """(type, name) of a plan step: its op's, or both ops' for a pair (step_pairs.py)."""
    second = getattr(step[0], "second_op", None)
    if second is None:
        return op.type, op.name
    return f"{op.type} + {second.type}", f"{op.name} + {second.name}"


def _print_per_op(sess, train_step, train_feed, repeats):
    """CPU time of each kernel call of the training step's plan (median of ``repeats``
    steps; a fused step is named after the op whose place it takes): the process's, and
    with more than one core granted also the calling thread's (what the step waits for
    when a split kernel's helper part is no slower than the caller's)."""
    session, source = _timed_plan_source()
    sess.run(train_step, train_feed)
    plan = next(p for p in sess._plans.values()
                if any(op.type == "ApplyAdam" for op in p.step_ops))
    times = [[] for _ in plan.steps]
    namespace = dict(vars(session), T=times, time=time)
    exec(source, namespace)  # noqa: S102 - session's own source, with timing lines added
    kept = {slot for slot in plan.fetch_slots if slot is not None}
    plan.execute, plan.code = namespace["_compile"](plan.steps, kept)
    plan.execute_quietly = np.errstate(all="ignore")(plan.execute)
    for _ in range(3):
        sess.run(train_step, train_feed)
    for samples in times:
        samples.clear()
    for _ in range(repeats):
        sess.run(train_step, train_feed)
    rows = sorted(((statistics.median(p for p, _ in t) * 1e3,
                    statistics.median(u for _, u in t) * 1e3, _step_label(op, step))
                   for t, op, step in zip(times, plan.step_ops, plan.steps, strict=True) if t),
                  key=lambda row: -row[0])
    cores = tf.config.threads_in_use()
    print(f"\nper op, CPU ms per step (median of {repeats}, {cores} core(s) granted; sum "
          f"{sum(r[0] for r in rows):.1f} process, {sum(r[1] for r in rows):.1f} calling "
          f"thread)\n{'process':>8}{'thread':>8}")
    for ms, thread_ms, (kind, name) in rows[:16]:
        print(f"{ms:8.2f}{thread_ms:8.2f}  {kind:22} {name}")
    print(f"{sum(r[0] for r in rows[16:]):8.2f}{sum(r[1] for r in rows[16:]):8.2f}  "
          f"the other {len(rows) - 16} steps")


def _thread_clock():
    """(wall, CPU, run-queue wait) seconds of the calling thread so far (the run-queue wait:
    time it was ready to run but another task had its core, from Linux's schedstat, whose
    own CPU figure is only updated at scheduling events, hence thread_time for the CPU)."""
    with open("/proc/thread-self/schedstat") as stat:
        queued = stat.read().split()[1]
    return time.perf_counter(), time.thread_time(), int(queued) * 1e-9


def _region_label(call, depth=3, top=True):
    """A short name for a region's call: the kernels in its closures (batch_split's parts,
    step_pairs' pair, workers.split_run's task)."""
    names = []
    for cell in getattr(call, "__closure__", None) or ():
        try:
            inner = cell.cell_contents
        except ValueError:
            continue
        name = getattr(inner, "__qualname__", "") if callable(inner) else ""
        if not name or name.startswith("_pair_kernel"):
            if depth and callable(inner):
                names.append(_region_label(inner, depth - 1, False))
            continue
        if "<lambda>" not in name and not name.startswith("_pair_kernel"):
            names.append(name.split(".<locals>.")[-1])
    label = " + ".join(n for n in names if n)
    return label or (getattr(call, "__qualname__", "?").split(".<locals>.")[-1] if top else "")


def _print_regions(sess, train_step, train_feed, repeats):
    """The training step at two cores: each parallel region's own calls
    (workers.run_together), and the calls posted to it that a thread took once done with its
    own, on the calling thread and on the helper, per step: CPU (the
    thread's clock), run-queue wait (Linux schedstat: ready to run while another task had
    the core; only as fine as this kernel's scheduler clock, a few ms on this VM) and the
    rest of the call's wall time (waiting for the GIL or for the other thread). Also the
    step's CPU critical path: the calling thread's CPU outside the regions plus, per
    region, the longer of the two threads' CPU (what the step would take with a core each
    and no waiting), the figure to compare in turns on a busy machine."""
    import threading

    from smallflow import workers

    if not os.path.exists("/proc/thread-self/schedstat"):
        print("--regions needs Linux's /proc/thread-self/schedstat")
        return
    tf.config.set_threads(2)
    caller = threading.get_ident()
    spent = {}  # (region, thread, label) -> [wall, cpu, queued] this step
    original_run, original_init = workers._Task.run, workers._Region.__init__
    regions = [0]

    def numbered_init(region, calls):
        original_init(region, calls)
        regions[0] += 1
        region.number = regions[0]

    inside = threading.local()

    def timed_run(task, region):
        # A call posted to the region and taken by a thread done with its own call counts
        # to that thread's part of the region (one run inside its own call is in that).
        if not task.own and getattr(inside, "own", False):
            return original_run(task, region)
        before = _thread_clock()
        inside.own = True
        try:
            return original_run(task, region)
        finally:
            inside.own = False
            after = _thread_clock()
            thread = "caller" if threading.get_ident() == caller else "helper"
            key = (getattr(region, "number", 0), thread,
                   _region_label(task.call) if task.own else "taken: posted calls")
            row = spent.setdefault(key, [0.0, 0.0, 0.0])
            for i in range(3):
                row[i] += after[i] - before[i]

    workers._Task.run, workers._Region.__init__ = timed_run, numbered_init
    try:
        for _ in range(3):
            sess.run(train_step, train_feed)
        per_region, whole, critical = {}, [], []
        for _ in range(repeats):
            spent.clear()
            regions[0] = 0
            before, cpu_before = _thread_clock(), time.process_time()
            sess.run(train_step, train_feed)
            after = _thread_clock()
            own = after[1] - before[1]
            whole.append((after[0] - before[0], own, time.process_time() - cpu_before))
            threads = {}  # (region, thread) -> CPU in the region's calls
            for (number, thread, _), row in spent.items():
                if thread == "caller":
                    own -= row[1]
                threads[number, thread] = threads.get((number, thread), 0.0) + row[1]
            longer = {}
            for (number, _), cpu in threads.items():
                longer[number] = max(longer.get(number, 0.0), cpu)
            critical.append(own + sum(longer.values()))
            for key, row in spent.items():
                per_region.setdefault(key, []).append(row)
    finally:
        workers._Task.run, workers._Region.__init__ = original_run, original_init
    med = statistics.median
    print(f"\nthe step at {tf.config.threads_in_use()} cores, median of {repeats} steps, ms: "
          f"wall {med(w for w, _, _ in whole) * 1e3:.1f}, calling thread CPU "
          f"{med(c for _, c, _ in whole) * 1e3:.1f}, process CPU "
          f"{med(p for _, _, p in whole) * 1e3:.1f}, CPU critical path "
          f"{med(critical) * 1e3:.1f}, regions {regions[0]}")
    print(f"{'region':>6}{'thread':>7}{'steps':>6}{'CPU':>8}{'queued':>8}{'other':>8}  "
          "calls (kernels)")
    for (number, thread, label), samples in sorted(per_region.items()):
        cpu = med(s[1] for s in samples) * 1e3
        queued = med(s[2] for s in samples) * 1e3
        other = med(s[0] - s[1] - s[2] for s in samples) * 1e3
        print(f"{number:6}{thread:>7}{len(samples):6}{cpu:8.2f}{queued:8.2f}{other:8.2f}  "
              f"{label}")


def _print_table(label, step, test, rate, flops, repeats):
    """One table of the rounds' times: ``label`` says which clock."""
    print(f"\nDeep MNIST CNN, batch {BATCH}, {repeats} rounds in turn ({label}, ms)")
    print(f"{'':26}{'median':>9}{'best':>9}{'of limit':>10}{'/ smallflow':>13}")
    ours = step["smallflow step"][0]
    for name in ("smallflow step", "NumPy step", "TensorFlow step", "bare products",
                 "smallflow forward", "NumPy forward"):
        if name not in step:
            continue
        median, best = step[name]
        work = forward_flops(BATCH) if "forward" in name else flops
        reference = step["smallflow forward"][0] if "forward" in name else ours
        print(f"{name:26}{median * 1e3:9.2f}{best * 1e3:9.2f}"
              f"{work / rate / median:9.0%} {median / reference:11.2f}x")
    for name, (median, best) in test.items():
        print(f"{name:26}{median * 1e3:9.0f}{best * 1e3:9.0f}"
              f"{forward_flops(10_000) / rate / median:9.0%} "
              f"{median / test['smallflow forward 10k'][0]:11.2f}x")


def main():
    args = ARGS or _parse([])
    threads = args.blas_threads or 1
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    load = os.getloadavg()
    print(f"CPUs: {os.cpu_count()}, BLAS threads: {threads}, load average: "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if load[0] > 0.5:
        print("note: other processes are running; compare the ratios, measured in turns")
    rng = np.random.default_rng(0)
    initial = initial_params(rng)
    images = rng.random((BATCH, 784), dtype=F32)
    labels = np.eye(10, dtype=F32)[rng.integers(0, 10, BATCH)]
    test_images = rng.random((10_000, 784), dtype=F32)
    check_agreement(initial, images, labels)

    x, y_, keep_prob, _, logits, _, train_step = build_tutorial_graph(initial)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    train_feed = {x: images, y_: labels, keep_prob: 0.5}
    forward_feed = {x: images, keep_prob: 1.0}
    test_feed = {x: test_images, keep_prob: 1.0}

    if args.only_per_op:
        _print_per_op(sess, train_step, train_feed, args.repeats)
        return
    if args.regions:
        _print_regions(sess, train_step, train_feed, args.repeats)
        return
    base_params = list(initial)
    base_adam = BaseAdam(base_params)

    def base_step():
        mask = (rng.random((BATCH, 1024), dtype=F32) >= F32(0.5)).astype(F32)
        _, grads = base_gradients(base_params, images, labels, mask, 0.5)
        base_params[:] = base_adam.apply(base_params, grads)

    arrays = {f"p{i}": value for i, value in enumerate(initial)}
    arrays.update(images=images, labels=labels, test=test_images)
    worker = None if args.no_tensorflow else _tensorflow_worker(arrays, threads)
    contenders = {
        "sgemm": sgemm,
        "bare products": _bare_products(BATCH),
        "smallflow step": lambda: sess.run(train_step, train_feed),
        "NumPy step": base_step,
        "smallflow forward": lambda: sess.run(logits, forward_feed),
        "NumPy forward": lambda: base_forward(base_params, images),
    }
    if worker is not None:
        contenders["TensorFlow step"] = _SelfTimed(lambda: worker.time("step"))
    step, step_cpu = _rounds(contenders, args.repeats)
    test = {"smallflow forward 10k": lambda: sess.run(logits, test_feed)}
    if worker is not None:
        test["TensorFlow forward 10k"] = _SelfTimed(lambda: worker.time("forward"))
    test, test_cpu = _rounds(test, max(2, args.repeats // 5))
    if worker is not None:
        worker.close()

    rate = SGEMM_FLOPS / step["sgemm"][1]
    flops = step_flops(BATCH)
    print(f"\nthis machine's sgemm ({SGEMM_SIZE}^3 float32, {threads} thread(s), best of "
          f"{args.repeats}): {rate / 1e9:.1f} GFLOP/s "
          f"(median {SGEMM_FLOPS / step['sgemm'][0] / 1e9:.1f})")
    print(f"CNN training step: {flops / 1e9:.2f} GFLOP of products -> limit "
          f"{flops / rate * 1e3:.1f} ms at that rate")
    for label, steps, tests in (("wall clock", step, test), ("CPU time", step_cpu, test_cpu)):
        # "of limit" against the sgemm rate measured with the same clock
        _print_table(label, steps, tests, SGEMM_FLOPS / steps["sgemm"][1], flops, args.repeats)
    fraction = flops / rate / step["smallflow step"][0]
    verdict = "meets" if fraction >= 0.8 else "MISSES"
    print(f"\nsmallflow's step reaches {fraction:.0%} of the sgemm limit at its median "
          f"({flops / rate / step['smallflow step'][1]:.0%} at its best): {verdict} the 80% target")
    if "TensorFlow step" in step:
        for label, steps, tests in (("wall", step, test), ("CPU", step_cpu, test_cpu)):
            ratios = [steps["smallflow step"][i] / steps["TensorFlow step"][i] for i in (0, 1)]
            forward = [tests["smallflow forward 10k"][i] / tests["TensorFlow forward 10k"][i]
                       for i in (0, 1)]
            print(f"smallflow / TensorFlow ({label}, median / best): step "
                  f"{ratios[0]:.2f}x / {ratios[1]:.2f}x (target <= 1.0), forward over 10,000 "
                  f"images {forward[0]:.2f}x / {forward[1]:.2f}x (target <= 1.2)")
    for label, steps in (("wall", step), ("CPU", step_cpu)):
        bare = steps["bare products"][0]
        versus = (f", {bare / steps['TensorFlow step'][0]:.2f}x TensorFlow's whole step"
                  if "TensorFlow step" in steps else "")
        print(f"the step's products alone in NumPy ({label}, median): {bare * 1e3:.1f} ms = "
              f"{bare / steps['smallflow step'][0]:.0%} of smallflow's step{versus}")
    epoch = step["smallflow step"][0] * STEPS_PER_EPOCH
    print(f"projected epoch ({STEPS_PER_EPOCH} steps): {epoch:.1f} s at the median step")

    if args.per_op:
        _print_per_op(sess, train_step, train_feed, args.repeats)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeats):
            sess.run(train_step, train_feed)
        profiler.disable()
        print(f"\nwhere smallflow's training step spends its time ({args.repeats} steps):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    sess.close()


if __name__ == "__main__":
    main()
