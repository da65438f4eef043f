/**
 * Small unconstrained minimisers for the model fits (a handful of parameters, smooth
 * objectives): BFGS with an Armijo backtracking line search, Nelder–Mead as a derivative-free
 * fallback, a central-difference Hessian and a Cholesky-based inverse for standard errors.
 */

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

export interface BfgsOptions {
  /** Stop when max |∂f/∂xᵢ| falls below this. */
  gradTol?: number;
  maxIterations?: number;
  /** Largest step (max norm) tried by the line search; keeps log-parameters from jumping far. */
  maxStep?: number;
}

const dot = (a: readonly number[], b: readonly number[]): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const maxAbs = (a: readonly number[]): number => {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
};
const identity = (n: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

/** BFGS on the inverse Hessian, Armijo backtracking; non-finite trial values count as "too high". */
export function minimizeBfgs(
  f: (x: readonly number[]) => number,
  grad: (x: readonly number[]) => number[],
  x0: readonly number[],
  options: BfgsOptions = {},
): MinimizeResult {
  const gradTol = options.gradTol ?? 1e-9;
  const maxIterations = options.maxIterations ?? 500;
  const maxStep = options.maxStep ?? 2;
  const n = x0.length;
  let x = [...x0];
  let fx = f(x);
  let evaluations = 1;
  if (!Number.isFinite(fx)) {
    return { x, value: fx, iterations: 0, evaluations, converged: false, message: 'non-finite start' };
  }
  let g = grad(x);
  let H = identity(n);
  let firstStep = true;
  let stalls = 0;
  for (let iter = 0; iter < maxIterations; iter++) {
    if (maxAbs(g) < gradTol) {
      return { x, value: fx, iterations: iter, evaluations, converged: true, message: 'gradient tolerance' };
    }
    let d = H.map((row) => -dot(row, g));
    let slope = dot(g, d);
    if (!(slope < 0)) {
      H = identity(n);
      d = g.map((v) => -v);
      slope = dot(g, d);
    }
    const dMax = maxAbs(d);
    let step = dMax > maxStep ? maxStep / dMax : 1;
    let xNew: number[] = x;
    let fNew = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let k = 0; k < 60; k++) {
      xNew = x.map((v, i) => v + step * d[i]!);
      fNew = f(xNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
      // Steps below rounding of x cannot change f: stop halving (saves ~40 passes over the data).
      if (step * dMax < 1e-13 * Math.max(1, maxAbs(x))) break;
    }
    if (!accepted && maxAbs(g) < gradTol * 1e3) {
      // At the optimum up to floating-point noise in f: the same verdict as 'no further progress'.
      return { x, value: fx, iterations: iter, evaluations, converged: true, message: 'no further progress' };
    }
    if (!accepted) {
      if (H.some((row, i) => row.some((v, j) => v !== (i === j ? 1 : 0)))) {
        H = identity(n); // retry once along the steepest descent before giving up
        firstStep = true;
        continue;
      }
      return { x, value: fx, iterations: iter, evaluations, converged: false, message: 'line search failed' };
    }
    const gNew = grad(xNew);
    const s = xNew.map((v, i) => v - x[i]!);
    const y = gNew.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    const improvement = fx - fNew;
    x = xNew;
    g = gNew;
    if (improvement <= 1e-15 * Math.max(1, Math.abs(fNew)) && maxAbs(s) < 1e-12) {
      stalls++;
      if (stalls >= 3) {
        return {
          x,
          value: fNew,
          iterations: iter + 1,
          evaluations,
          converged: maxAbs(g) < gradTol * 1e3,
          message: 'no further progress',
        };
      }
    } else stalls = 0;
    fx = fNew;
    if (sy > 1e-300) {
      if (firstStep) {
        const scale = sy / dot(y, y);
        H = identity(n).map((row) => row.map((v) => v * scale));
        firstStep = false;
      }
      const rho = 1 / sy;
      const Hy = H.map((row) => dot(row, y));
      const yHy = dot(y, Hy);
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, expanded.
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          H[i]![j] =
            H[i]![j]! - rho * (s[i]! * Hy[j]! + Hy[i]! * s[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
        }
      }
    }
  }
  return {
    x,
    value: fx,
    iterations: maxIterations,
    evaluations,
    converged: false,
    message: 'iteration limit',
  };
}

export interface NelderMeadOptions {
  maxIterations?: number;
  /** Stop when the simplex's value spread and size both fall below these. */
  fTol?: number;
  xTol?: number;
  initialStep?: number;
}

/** Nelder–Mead with the standard coefficients (1, 2, 0.5, 0.5). */
export function minimizeNelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): MinimizeResult {
  const maxIterations = options.maxIterations ?? 5000;
  const fTol = options.fTol ?? 1e-12;
  const xTol = options.xTol ?? 1e-10;
  const h = options.initialStep ?? 0.5;
  const n = x0.length;
  const safe = (x: readonly number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex: number[][] = [[...x0]];
  for (let i = 0; i < n; i++) {
    const p = [...x0];
    p[i] = p[i]! + h;
    simplex.push(p);
  }
  let values = simplex.map(safe);
  let evaluations = n + 1;
  for (let iter = 0; iter < maxIterations; iter++) {
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    const best = simplex[0]!;
    let size = 0;
    for (const p of simplex) for (let i = 0; i < n; i++) size = Math.max(size, Math.abs(p[i]! - best[i]!));
    if (Math.abs(values[n]! - values[0]!) <= fTol * (1 + Math.abs(values[0]!)) && size <= xTol) {
      return {
        x: best,
        value: values[0]!,
        iterations: iter,
        evaluations,
        converged: true,
        message: 'simplex tolerance',
      };
    }
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i]! += simplex[k]![i]! / n;
    const worst = simplex[n]!;
    const along = (t: number): number[] => centroid.map((c, i) => c + t * (c - worst[i]!));
    const xr = along(1);
    const fr = safe(xr);
    evaluations++;
    if (fr < values[0]!) {
      const xe = along(2);
      const fe = safe(xe);
      evaluations++;
      if (fe < fr) {
        simplex[n] = xe;
        values[n] = fe;
      } else {
        simplex[n] = xr;
        values[n] = fr;
      }
      continue;
    }
    if (fr < values[n - 1]!) {
      simplex[n] = xr;
      values[n] = fr;
      continue;
    }
    const outside = fr < values[n]!;
    const xc = along(outside ? 0.5 : -0.5);
    const fc = safe(xc);
    evaluations++;
    if (fc < (outside ? fr : values[n]!)) {
      simplex[n] = xc;
      values[n] = fc;
      continue;
    }
    for (let k = 1; k <= n; k++) {
      simplex[k] = simplex[k]!.map((v, i) => best[i]! + 0.5 * (v - best[i]!));
      values[k] = safe(simplex[k]!);
      evaluations++;
    }
  }
  return {
    x: simplex[0]!,
    value: values[0]!,
    iterations: maxIterations,
    evaluations,
    converged: false,
    message: 'iteration limit',
  };
}

/**
 * Hessian by central differences of an analytic gradient: column j is
 * (∇f(x + hⱼeⱼ) − ∇f(x − hⱼeⱼ)) / (2hⱼ) with hⱼ = relStep · max(|xⱼ|, 1e-8); then symmetrised.
 */
export function hessianFromGradient(
  grad: (x: readonly number[]) => number[],
  x: readonly number[],
  relStep = 1e-5,
): number[][] {
  const n = x.length;
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const h = relStep * Math.max(Math.abs(x[j]!), 1e-8);
    const xp = [...x];
    const xm = [...x];
    xp[j] = xp[j]! + h;
    xm[j] = xm[j]! - h;
    const gp = grad(xp);
    const gm = grad(xm);
    for (let i = 0; i < n; i++) H[i]![j] = (gp[i]! - gm[i]!) / (2 * h);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (H[i]![j]! + H[j]![i]!);
      H[i]![j] = m;
      H[j]![i] = m;
    }
  }
  return H;
}

/** Cholesky factor L (A = L Lᵀ) of a symmetric matrix, or null when it is not positive definite. */
export function cholesky(A: readonly (readonly number[])[]): number[][] | null {
  const n = A.length;
  const L: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  }
  return L;
}

/** Inverse of a symmetric positive-definite matrix via Cholesky; null when not positive definite. */
export function invertSpd(A: readonly (readonly number[])[]): number[][] | null {
  const L = cholesky(A);
  if (!L) return null;
  const n = A.length;
  // Solve L Lᵀ X = I column by column.
  const inv: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
      y[i] = s / L[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < n; k++) s -= L[k]![i]! * inv[k]![c]!;
      inv[i]![c] = s / L[i]![i]!;
    }
  }
  return inv;
}
