using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Screening.Analysis.Curves;

/// <summary>
/// <see cref="LevenbergMarquardt"/> specialised to the four-parameter logistic: the same iteration
/// (Marquardt's scaled damping, Nielsen's update, projection onto the box, the same step test), with
/// the model evaluated inline. One pass over the points computes the residuals, the SSE and the 10
/// distinct products of the 4x4 J'J with one exp per point and no interface call; the free parameters
/// are taken from that full system, so a fit with fixed parameters sums exactly what the generic core
/// sums (same operations, same order: identical results on the scalar path).
/// Nothing is allocated; the small vectors and matrices live in one stack block, addressed by reference.
/// Also here: the Lorentzian (robust) fit of <see cref="RobustOutlierTest"/> (<see cref="MinimizeLorentzian"/>).
/// </summary>
internal static class FourParameterKernel
{
    private const double Ln10 = 2.302585092994045684;

    /// <summary>
    /// Converged also when an accepted step lowered the SSE by less than this, relative, and the
    /// linearized model predicted no more (MINPACK's ftol test: actred and prered both at most ftol).
    /// </summary>
    internal const double SumOfSquaresTolerance = 1e-10;

    // Layout of the work block of Minimize: three p x p matrices (at most 4 x 4) and nine p-vectors.
    private const int NormalAt = 0;
    private const int TrialNormalAt = 16;
    private const int DampedAt = 32;
    private const int GradientAt = 48;
    private const int TrialGradientAt = 52;
    private const int ScaleAt = 56;
    private const int StepAt = 60;
    private const int EstimatesAt = 64;
    private const int TrialAt = 68;
    private const int LowerAt = 72;
    private const int UpperAt = 76;
    private const int WorkLength = 80;

    /// <summary>Points whose exponentials are computed ahead of the accumulation loop, per round.</summary>
    private const int ExpBlockPoints = 64;

    // The damping schedule (initial, min, max) is the generic core's: see LevenbergMarquardt.
    /// <summary>
    /// Evaluate four points at a time with <see cref="Vector256"/> (one division per point). Off: the scalar loop,
    /// which repeats the generic core's arithmetic exactly (the equivalence tests use it).
    /// </summary>
    internal static bool Vectorize
    {
        get => Vector256.IsHardwareAccelerated && !t_scalarOnly;
        set => t_scalarOnly = !value;
    }

    /// <summary>Per thread, so a test that asks for the scalar loop does not change what other threads run.</summary>
    [ThreadStatic]
    private static bool t_scalarOnly;

    /// <summary>
    /// Minimizes the SSE over the parameters whose bit is set in <paramref name="freeMask"/>
    /// (bit i = parameter i of (Bottom, Top, LogIC50, HillSlope)); <paramref name="full"/> holds the
    /// start and the fixed values, and the best point found on return.
    /// </summary>
    public static LeastSquaresOutcome Minimize(
        ReadOnlySpan<double> logMolar,
        ReadOnlySpan<double> response,
        Span<double> full,
        int freeMask,
        ReadOnlySpan<double> fullLower,
        ReadOnlySpan<double> fullUpper,
        int maxIterations,
        bool sumOfSquaresTest) =>
        Minimize(logMolar, response, default, full, freeMask, fullLower, fullUpper, maxIterations, sumOfSquaresTest, default);

    /// <summary>
    /// As above, minimizing sum (w_i r_i)^2 with w = <paramref name="sqrtWeights"/> (empty: unweighted),
    /// as the generic core does with <see cref="WeightedLeastSquaresModel"/>. When <paramref name="finalNormal"/>
    /// holds p x p values it receives J'J (free parameters, row-major) at the returned point, which is what
    /// <see cref="TryUnscaledCovariance"/> would recompute there.
    /// </summary>
    public static LeastSquaresOutcome Minimize(
        ReadOnlySpan<double> logMolar,
        ReadOnlySpan<double> response,
        ReadOnlySpan<double> sqrtWeights,
        Span<double> full,
        int freeMask,
        ReadOnlySpan<double> fullLower,
        ReadOnlySpan<double> fullUpper,
        int maxIterations,
        bool sumOfSquaresTest,
        Span<double> finalNormal = default)
    {
        int n = response.Length;
        if (full.Length < 4 || fullLower.Length < 4 || fullUpper.Length < 4 || logMolar.Length != n || n == 0
            || (sqrtWeights.Length != 0 && sqrtWeights.Length != n))
        {
            return new LeastSquaresOutcome(double.NaN, 0, false);
        }

        var map = new FreeParameters(freeMask);
        int p = map.Count;
        if (p == 0)
        {
            return new LeastSquaresOutcome(double.NaN, 0, false);
        }

        Span<double> exponentials = stackalloc double[Math.Min(ExpBlockPoints, (n + 3) & ~3)];
        var points = new Points(logMolar, response, sqrtWeights, Vectorize, exponentials);
        Span<double> work = stackalloc double[WorkLength];
        ref double w0 = ref MemoryMarshal.GetReference(work);
        ref double normal = ref Unsafe.Add(ref w0, NormalAt);
        ref double trialNormal = ref Unsafe.Add(ref w0, TrialNormalAt);
        ref double damped = ref Unsafe.Add(ref w0, DampedAt);
        ref double gradient = ref Unsafe.Add(ref w0, GradientAt);
        ref double trialGradient = ref Unsafe.Add(ref w0, TrialGradientAt);
        ref double scale = ref Unsafe.Add(ref w0, ScaleAt);
        ref double step = ref Unsafe.Add(ref w0, StepAt);
        ref double estimates = ref Unsafe.Add(ref w0, EstimatesAt);
        ref double trial = ref Unsafe.Add(ref w0, TrialAt);
        ref double lower = ref Unsafe.Add(ref w0, LowerAt);
        ref double upper = ref Unsafe.Add(ref w0, UpperAt);
        ref double start = ref MemoryMarshal.GetReference(full);
        for (int i = 0; i < p; i++)
        {
            int at = map[i];
            Unsafe.Add(ref estimates, i) = Math.Clamp(Unsafe.Add(ref start, at), fullLower[at], fullUpper[at]);
            Unsafe.Add(ref lower, i) = fullLower[at];
            Unsafe.Add(ref upper, i) = fullUpper[at];
        }

        // `point` is the full parameter vector at which the model is evaluated; the fixed values come from `full`.
        map.Scatter(ref estimates, full);
        Span<double> point = [full[0], full[1], full[2], full[3]];
        double sse = Accumulate(points, point, map, ref normal, ref gradient);
        if (!double.IsFinite(sse))
        {
            return new LeastSquaresOutcome(sse, 0, false);
        }

        double lambda = LevenbergMarquardt.InitialDamping;
        double growth = 2;
        int iterations = 0;
        bool converged = false;
        while (iterations < maxIterations)
        {
            if (sse == 0)
            {
                converged = true;
                break;
            }

            iterations++;
            LevenbergMarquardt.DampingScale(ref normal, ref scale, p);
            for (int i = 0; i < p * p; i++)
            {
                Unsafe.Add(ref damped, i) = Unsafe.Add(ref normal, i);
            }

            for (int i = 0; i < p; i++)
            {
                Unsafe.Add(ref damped, (i * p) + i) += lambda * Unsafe.Add(ref scale, i);
            }

            if (!Cholesky.TrySolve(ref damped, in gradient, ref step, p))
            {
                lambda *= 10;
                if (lambda > LevenbergMarquardt.MaxDamping)
                {
                    converged = true;
                    break;
                }

                continue;
            }

            for (int i = 0; i < p; i++)
            {
                Unsafe.Add(ref trial, i) = Math.Clamp(
                    Unsafe.Add(ref estimates, i) + Unsafe.Add(ref step, i), Unsafe.Add(ref lower, i), Unsafe.Add(ref upper, i));
            }

            bool negligible = LevenbergMarquardt.IsNegligibleStep(ref estimates, ref trial, ref scale, p);
            map.Scatter(ref trial, point);
            double trialSse = Accumulate(points, point, map, ref trialNormal, ref trialGradient);
            if (trialSse < sse)
            {
                double predicted = LevenbergMarquardt.PredictedReduction(ref step, ref gradient, ref scale, lambda, p);
                double rho = predicted > 0 ? (sse - trialSse) / predicted : 1;
                double cube = (2 * rho) - 1;
                lambda = Math.Max(lambda * Math.Max(1.0 / 3, 1 - (cube * cube * cube)), LevenbergMarquardt.MinDamping);
                growth = 2;
                bool settled = sumOfSquaresTest
                    && sse - trialSse <= SumOfSquaresTolerance * sse
                    && predicted <= SumOfSquaresTolerance * sse
                    && rho <= 2;

                // Accept: the trial point, its J'J and J'r become the current ones (buffers swap, nothing is copied).
                ref double swap = ref estimates;
                estimates = ref trial;
                trial = ref swap;
                swap = ref normal;
                normal = ref trialNormal;
                trialNormal = ref swap;
                swap = ref gradient;
                gradient = ref trialGradient;
                trialGradient = ref swap;
                sse = trialSse;
                if (negligible || settled)
                {
                    converged = true;
                    break;
                }
            }
            else
            {
                if (negligible)
                {
                    converged = true;
                    break;
                }

                lambda *= growth;
                growth *= 2;
                if (lambda > LevenbergMarquardt.MaxDamping)
                {
                    converged = true;
                    break;
                }
            }
        }

        map.Scatter(ref estimates, full);
        if (finalNormal.Length >= p * p)
        {
            MemoryMarshal.CreateReadOnlySpan(ref normal, p * p).CopyTo(finalNormal);
        }

        return new LeastSquaresOutcome(sse, iterations, converged);
    }

    /// <summary>
    /// The Lorentzian (Cauchy) M-estimate of ROUT's robust fit: a minimum of G = sum c_i^2 ln(1 + (r_i/c_i)^2)
    /// (c_i = <paramref name="scales"/>), where sum w_i r_i J_i = 0 with w_i = 1/(1 + (r_i/c_i)^2): the fixed point that
    /// iteratively reweighted least squares (IRLS) approaches. IRLS converges only linearly (its weights w_i overstate
    /// the curvature of G, most for points near one scale out), so this is Levenberg-Marquardt on G itself:
    /// <list type="bullet">
    /// <item>curvature: Newton's for the points, H = sum w_i (2 w_i - 1) J_i J_i' (the second derivative of
    /// c^2 ln(1 + r^2/c^2) in r is 2 w (2 w - 1)), the model's own curvature left out as in Gauss-Newton; at the start
    /// IRLS's sum w_i J_i J_i', so the first step is the first step of the first reweighting (it moves the fit away
    /// from the outliers as far as least squares under those weights would, and so into the same minimum as
    /// reweighting when G has several);</item>
    /// <item>damping lambda diag(sum w_i J_i J_i'): H alone may be indefinite, and while its Cholesky fails the
    /// damping grows, so far from the minimum the step is IRLS-like;</item>
    /// <item>a step is accepted when it lowers G; Nielsen's update of the damping; one pass over the points per step.</item>
    /// </list>
    /// Stops when a step moves no parameter by more than <paramref name="tolerance"/> (1 + |p|), or when an accepted
    /// step lowered G by at most 1e-9 G and predicted no more, or after <paramref name="maxIterations"/> steps.
    /// The outcome's sum of squares is G at the end.
    /// </summary>
    public static LeastSquaresOutcome MinimizeLorentzian(
        ReadOnlySpan<double> logMolar,
        ReadOnlySpan<double> response,
        ReadOnlySpan<double> scales,
        Span<double> full,
        int freeMask,
        ReadOnlySpan<double> fullLower,
        ReadOnlySpan<double> fullUpper,
        int maxIterations,
        double tolerance)
    {
        int n = response.Length;
        var map = new FreeParameters(freeMask);
        int p = map.Count;
        if (p == 0 || full.Length < 4 || fullLower.Length < 4 || fullUpper.Length < 4 || logMolar.Length != n || n == 0 || scales.Length != n)
        {
            return new LeastSquaresOutcome(double.NaN, 0, false);
        }

        var points = new Points(logMolar, response, default, Vectorize, default);
        Span<double> work = stackalloc double[WorkLength + 8];
        ref double w0 = ref MemoryMarshal.GetReference(work);
        ref double hessian = ref Unsafe.Add(ref w0, NormalAt);
        ref double trialHessian = ref Unsafe.Add(ref w0, TrialNormalAt);
        ref double damped = ref Unsafe.Add(ref w0, DampedAt);
        ref double gradient = ref Unsafe.Add(ref w0, GradientAt);
        ref double trialGradient = ref Unsafe.Add(ref w0, TrialGradientAt);
        ref double scale = ref Unsafe.Add(ref w0, ScaleAt);
        ref double step = ref Unsafe.Add(ref w0, StepAt);
        ref double estimates = ref Unsafe.Add(ref w0, EstimatesAt);
        ref double trial = ref Unsafe.Add(ref w0, TrialAt);
        ref double lower = ref Unsafe.Add(ref w0, LowerAt);
        ref double upper = ref Unsafe.Add(ref w0, UpperAt);
        ref double diagonal = ref Unsafe.Add(ref w0, WorkLength);
        ref double trialDiagonal = ref Unsafe.Add(ref w0, WorkLength + 4);
        ref double c0 = ref MemoryMarshal.GetReference(scales);
        for (int i = 0; i < p; i++)
        {
            int at = map[i];
            Unsafe.Add(ref estimates, i) = Math.Clamp(full[at], fullLower[at], fullUpper[at]);
            Unsafe.Add(ref lower, i) = fullLower[at];
            Unsafe.Add(ref upper, i) = fullUpper[at];
        }

        map.Scatter(ref estimates, full);
        Span<double> point = [full[0], full[1], full[2], full[3]];
        // At the least-squares start the curvature is IRLS's (sum w_i J_i J_i'): the first step is the first step of the
        // first reweighting, which moves the fit away from the outliers as far as least squares with those weights would;
        // Newton's curvature from the next point on.
        double loss = AccumulateLorentzian(points, point, map, ref c0, ref hessian, ref gradient, ref diagonal, irls: true);
        if (!double.IsFinite(loss))
        {
            return new LeastSquaresOutcome(loss, 0, false);
        }

        double lambda = LevenbergMarquardt.InitialDamping;
        double growth = 2;
        int iterations = 0;
        bool converged = false;
        while (iterations < maxIterations)
        {
            if (loss == 0)
            {
                converged = true;
                break;
            }

            iterations++;
            double largest = 0;
            for (int i = 0; i < p; i++)
            {
                largest = Math.Max(largest, Unsafe.Add(ref diagonal, i));
            }

            double floor = Math.Max(largest * 1e-12, 1e-300);
            for (int i = 0; i < p; i++)
            {
                Unsafe.Add(ref scale, i) = Math.Max(Unsafe.Add(ref diagonal, i), floor);
            }

            for (int i = 0; i < p * p; i++)
            {
                Unsafe.Add(ref damped, i) = Unsafe.Add(ref hessian, i);
            }

            for (int i = 0; i < p; i++)
            {
                Unsafe.Add(ref damped, (i * p) + i) += lambda * Unsafe.Add(ref scale, i);
            }

            if (!Cholesky.TrySolve(ref damped, in gradient, ref step, p))
            {
                lambda *= 10;
                if (lambda > LevenbergMarquardt.MaxDamping)
                {
                    converged = true;
                    break;
                }

                continue;
            }

            bool small = true;
            for (int i = 0; i < p; i++)
            {
                double from = Unsafe.Add(ref estimates, i);
                double to = Math.Clamp(from + Unsafe.Add(ref step, i), Unsafe.Add(ref lower, i), Unsafe.Add(ref upper, i));
                small &= Math.Abs(to - from) <= tolerance * (1 + Math.Abs(from));
                Unsafe.Add(ref trial, i) = to;
            }

            map.Scatter(ref trial, point);
            double trialLoss = AccumulateLorentzian(points, point, map, ref c0, ref trialHessian, ref trialGradient, ref trialDiagonal, irls: false);
            if (trialLoss < loss)
            {
                double predicted = LevenbergMarquardt.PredictedReduction(ref step, ref gradient, ref scale, lambda, p);
                double rho = predicted > 0 ? (loss - trialLoss) / predicted : 1;
                double cube = (2 * rho) - 1;
                lambda = Math.Max(lambda * Math.Max(1.0 / 3, 1 - (cube * cube * cube)), LevenbergMarquardt.MinDamping);
                growth = 2;
                bool settled = loss - trialLoss <= LossTolerance * loss && predicted <= LossTolerance * loss;
                ref double swap = ref estimates;
                estimates = ref trial;
                trial = ref swap;
                swap = ref hessian;
                hessian = ref trialHessian;
                trialHessian = ref swap;
                swap = ref gradient;
                gradient = ref trialGradient;
                trialGradient = ref swap;
                swap = ref diagonal;
                diagonal = ref trialDiagonal;
                trialDiagonal = ref swap;
                loss = trialLoss;
                if (small || settled)
                {
                    converged = true;
                    break;
                }
            }
            else
            {
                if (small)
                {
                    converged = true;
                    break;
                }

                lambda *= growth;
                growth *= 2;
                if (lambda > LevenbergMarquardt.MaxDamping)
                {
                    converged = true;
                    break;
                }
            }
        }

        map.Scatter(ref estimates, full);
        return new LeastSquaresOutcome(loss, iterations, converged);
    }

    /// <summary>
    /// <see cref="MinimizeLorentzian"/> has converged when an accepted step lowered G by at most this, relative, and
    /// predicted no more (as <see cref="SumOfSquaresTolerance"/> for least squares; looser, since ROUT uses the robust
    /// fit only through its residuals: masks were identical at 1e-12 on 3,968 simulated curves).
    /// </summary>
    private const double LossTolerance = 1e-9;

    /// <summary>(J'J)^-1 over the free parameters at <paramref name="full"/>, row-major p x p; false when singular.</summary>
    public static bool TryUnscaledCovariance(
        ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, ReadOnlySpan<double> full, int freeMask, Span<double> covariance)
    {
        var map = new FreeParameters(freeMask);
        int p = map.Count;
        if (p == 0 || covariance.Length < p * p || full.Length < 4 || logMolar.Length != response.Length || response.Length == 0)
        {
            return false;
        }

        Span<double> normal = stackalloc double[16];
        Span<double> gradient = stackalloc double[4];
        Span<double> exponentials = stackalloc double[Math.Min(ExpBlockPoints, (response.Length + 3) & ~3)];
        double sse = Accumulate(new Points(logMolar, response, default, Vectorize, exponentials), full, map, ref normal[0], ref gradient[0]);
        return double.IsFinite(sse) && Cholesky.TryInvert(normal[..(p * p)], covariance[..(p * p)], p);
    }

    /// <summary>The residuals y_i - f(x_i) at <paramref name="full"/> (four points at a time when vectorized).</summary>
    public static void Residuals(ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, ReadOnlySpan<double> full, Span<double> residuals)
    {
        int n = response.Length;
        double bottom = full[0];
        double span = full[1] - bottom;
        double logIC50 = full[2];
        double hillSlope = full[3];
        int k = 0;
        if (Vectorize && n >= Vector256<double>.Count && logMolar.Length >= n && residuals.Length >= n)
        {
            var vBottom = Vector256.Create(bottom);
            var vSpan = Vector256.Create(span);
            var vLogIC50 = Vector256.Create(logIC50);
            var vLnH = Vector256.Create(Ln10 * hillSlope);
            var vUInfinity = Vector256.Create(UAtZeroConcentration(hillSlope));
            ref double xr = ref MemoryMarshal.GetReference(logMolar);
            ref double yr = ref MemoryMarshal.GetReference(response);
            ref double rr = ref MemoryMarshal.GetReference(residuals);
            // A last vector overlapping the previous one covers the 1-3 remaining points (the overlap is recomputed identically).
            for (; k < n; k = Math.Min(k + Vector256<double>.Count, n))
            {
                k = Math.Min(k, n - Vector256<double>.Count);
                Vector256<double> x = Vector256.LoadUnsafe(ref xr, (nuint)k);
                Vector256<double> u = Vector256.ConditionalSelect(
                    Vector256.Equals(x, Vector256.Create(double.NegativeInfinity)), vUInfinity, vLnH * (vLogIC50 - x));
                Vector256<double> e = Vector256.Exp(-Vector256.Abs(u));
                Vector256<double> inverse = Vector256<double>.One / (Vector256<double>.One + e);
                Vector256<double> f = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(u, Vector256<double>.Zero), e * inverse, inverse);
                (Vector256.LoadUnsafe(ref yr, (nuint)k) - (vBottom + (vSpan * f))).StoreUnsafe(ref rr, (nuint)k);
            }
        }

        for (; k < n; k++)
        {
            double f = FourParameterLogistic.Fraction(logIC50, hillSlope, logMolar[k], out _);
            residuals[k] = response[k] - (bottom + (span * f));
        }
    }

    /// <summary>The fractions f_i = 1/(1 + 10^((LogIC50 - X_i) HillSlope)) (four points at a time when vectorized).</summary>
    public static void Fractions(ReadOnlySpan<double> logMolar, double logIC50, double hillSlope, Span<double> fractions)
    {
        int n = Math.Min(logMolar.Length, fractions.Length);
        int k = 0;
        if (Vectorize && n >= Vector256<double>.Count)
        {
            var vLogIC50 = Vector256.Create(logIC50);
            var vLnH = Vector256.Create(Ln10 * hillSlope);
            var vUInfinity = Vector256.Create(UAtZeroConcentration(hillSlope));
            ref double xr = ref MemoryMarshal.GetReference(logMolar);
            ref double fr = ref MemoryMarshal.GetReference(fractions);
            for (; k < n; k = Math.Min(k + Vector256<double>.Count, n))
            {
                k = Math.Min(k, n - Vector256<double>.Count);
                Vector256<double> x = Vector256.LoadUnsafe(ref xr, (nuint)k);
                Vector256<double> u = Vector256.ConditionalSelect(
                    Vector256.Equals(x, Vector256.Create(double.NegativeInfinity)), vUInfinity, vLnH * (vLogIC50 - x));
                Vector256<double> e = ExpOfNonPositive(-Vector256.Abs(u));
                Vector256<double> inverse = Vector256<double>.One / (Vector256<double>.One + e);
                Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(u, Vector256<double>.Zero), e * inverse, inverse).StoreUnsafe(ref fr, (nuint)k);
            }
        }

        for (; k < n; k++)
        {
            fractions[k] = FourParameterLogistic.Fraction(logIC50, hillSlope, logMolar[k], out _);
        }
    }

    /// <summary>
    /// e^x for x &lt;= 0 (including -infinity), four at a time: x = k ln2 + r with |r| &lt;= ln2/2 (Cody-Waite,
    /// ln2 in two parts), e^r by its Taylor polynomial to degree 12 (truncation below 2e-16 relative, so
    /// within a few ulp of <see cref="Math.Exp"/>), 2^k built in the exponent bits. Below -708 (e^x under
    /// 3e-308, where 2^k would leave the normal range) the result is 0; NaN stays NaN. Inlined, unlike
    /// <see cref="Vector256.Exp(Vector256{double})"/>, whose call spills the accumulators of the caller's loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> ExpOfNonPositive(Vector256<double> x)
    {
        const double Log2E = 1.4426950408889634074;
        const double Ln2High = 6.93147180369123816490e-01;
        const double Ln2Low = 1.90821492927058770002e-10;
        const double Shifter = 6755399441055744.0; // 1.5 * 2^52: adding it rounds to an integer held in the low bits.
        var smallest = Vector256.Create(-708.0);
        Vector256<double> tooSmall = Vector256.LessThan(x, smallest);
        Vector256<double> clamped = Vector256.ConditionalSelect(tooSmall, smallest, x);
        Vector256<double> shifted = Vector256.FusedMultiplyAdd(clamped, Vector256.Create(Log2E), Vector256.Create(Shifter));
        Vector256<double> k = shifted - Vector256.Create(Shifter);
        Vector256<double> r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2High), clamped);
        r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2Low), r);
        Vector256<double> poly = Vector256.Create(1.0 / 479001600);
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256.Create(1.0 / 39916800));
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256.Create(1.0 / 3628800));
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256.Create(1.0 / 362880));
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256.Create(1.0 / 40320));
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256.Create(1.0 / 5040));
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256.Create(1.0 / 720));
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256.Create(1.0 / 120));
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256.Create(1.0 / 24));
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256.Create(1.0 / 6));
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256.Create(0.5));
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256<double>.One);
        poly = Vector256.FusedMultiplyAdd(poly, r, Vector256<double>.One);
        Vector256<double> twoToK = Vector256.ShiftLeft(shifted.AsInt64() + Vector256.Create(1023L), 52).AsDouble();
        return Vector256.AndNot(poly * twoToK, tooSmall);
    }

    /// <summary>u at X = -infinity (zero concentration): the low-dose plateau.</summary>
    private static double UAtZeroConcentration(double hillSlope) =>
        hillSlope < 0 ? double.NegativeInfinity : hillSlope > 0 ? double.PositiveInfinity : 0;

    /// <summary>
    /// SSE, J'J and J'r over the free parameters (<paramref name="map"/>) at <paramref name="full"/>; NaN if
    /// anything is not finite. Same formulas as <see cref="FourParameterLogistic.ResponseWithGradient"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Accumulate(
        in Points points,
        ReadOnlySpan<double> full,
        in FreeParameters map,
        ref double normal,
        ref double gradient)
    {
        double bottom = full[0];
        double top = full[1];
        double logIC50 = full[2];
        double hillSlope = full[3];
        double span = top - bottom;
        double uInfinity = UAtZeroConcentration(hillSlope);
        double s00 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s22 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        double g0 = 0, g1 = 0, g2 = 0, g3 = 0;
        double sse = 0;
        int n = points.Count;
        bool weighted = points.IsWeighted;
        ref double x0 = ref points.X;
        ref double y0 = ref points.Y;
        ref double w0 = ref points.W;
        int k = 0;
        if (points.Vectorize)
        {
            var vBottom = Vector256.Create(bottom);
            var vSpan = Vector256.Create(span);
            var vLogIC50 = Vector256.Create(logIC50);
            var vLnH = Vector256.Create(Ln10 * hillSlope);
            var vJ2 = Vector256.Create(-span * Ln10 * hillSlope);
            var vJ3 = Vector256.Create(-span * Ln10);
            var vUInfinity = Vector256.Create(uInfinity);
            Vector256<double> a00 = default, a10 = default, a11 = default, a20 = default, a21 = default, a22 = default;
            Vector256<double> a30 = default, a31 = default, a32 = default, a33 = default;
            Vector256<double> b0 = default, b1 = default, b2 = default, b3 = default, sq = default;
            // The last 1-3 points, if any, as one more vector overlapping the previous one, its repeated lanes masked.
            int blocks = n / Vector256<double>.Count;
            int tail = n - (blocks * Vector256<double>.Count);
            int last = tail == 0 ? blocks - 1 : blocks;

            // First the exponentials, in a loop of their own: Vector256.Exp is a call, and in the loop below it would
            // spill the fifteen accumulators around every call. The arithmetic of this path is deliberately the one
            // it has always had (Vector256.Exp, separate multiply and add, this association): an inlined polynomial
            // exp and fused multiply-adds are ~12 % faster, but on fits that end crawling along a bound the end point
            // moves with any rounding change by up to ~4e-10 of the SSE, more than the 1e-10 to which the
            // scalar-equivalence test holds the two paths (the robust fit below, not under that test, uses both).
            ref double er = ref points.Exponentials;
            for (int first = 0; first <= last; first += ExpBlockPoints / Vector256<double>.Count)
            {
                int end = Math.Min(last, first + (ExpBlockPoints / Vector256<double>.Count) - 1);
                for (int block = first; block <= end; block++)
                {
                    int at = block == blocks ? n - Vector256<double>.Count : block * Vector256<double>.Count;
                    Vector256<double> x = Vector256.LoadUnsafe(ref x0, (nuint)at);
                    Vector256<double> u = Vector256.ConditionalSelect(
                        Vector256.Equals(x, Vector256.Create(double.NegativeInfinity)), vUInfinity, vLnH * (vLogIC50 - x));
                    Vector256.Exp(-Vector256.Abs(u)).StoreUnsafe(ref er, (nuint)((block - first) * Vector256<double>.Count));
                }

                for (int block = first; block <= end; block++)
                {
                    Vector256<double> keep = Vector256<double>.AllBitsSet;
                    k = block * Vector256<double>.Count;
                    if (block == blocks)
                    {
                        k = n - Vector256<double>.Count;
                        keep = Vector256.GreaterThanOrEqual(
                            Vector256.Create(0.0, 1.0, 2.0, 3.0), Vector256.Create((double)(Vector256<double>.Count - tail)));
                    }

                    Vector256<double> x = Vector256.LoadUnsafe(ref x0, (nuint)k);
                    Vector256<double> distance = vLogIC50 - x;
                    Vector256<double> u = Vector256.ConditionalSelect(
                        Vector256.Equals(x, Vector256.Create(double.NegativeInfinity)), vUInfinity, vLnH * distance);
                    Vector256<double> e = Vector256.LoadUnsafe(ref er, (nuint)((block - first) * Vector256<double>.Count));
                    Vector256<double> inverse = Vector256<double>.One / (Vector256<double>.One + e);
                    Vector256<double> small = e * inverse;
                    Vector256<double> positive = Vector256.GreaterThanOrEqual(u, Vector256<double>.Zero);
                    Vector256<double> f = Vector256.ConditionalSelect(positive, small, inverse);
                    Vector256<double> c = Vector256.ConditionalSelect(positive, inverse, small);
                    Vector256<double> fg = f * c;
                    Vector256<double> live = ~Vector256.Equals(fg, Vector256<double>.Zero) & keep;
                    Vector256<double> j2 = (fg * vJ2) & live;
                    Vector256<double> j3 = (fg * vJ3 * distance) & live;
                    Vector256<double> r = Vector256.LoadUnsafe(ref y0, (nuint)k) - (vBottom + (vSpan * f));
                    r &= keep;
                    c &= keep;
                    f &= keep;
                    if (weighted)
                    {
                        Vector256<double> w = Vector256.LoadUnsafe(ref w0, (nuint)k);
                        r *= w;
                        c *= w;
                        f *= w;
                        j2 *= w;
                        j3 *= w;
                    }

                    sq += r * r;
                    b0 += c * r;
                    b1 += f * r;
                    b2 += j2 * r;
                    b3 += j3 * r;
                    a00 += c * c;
                    a10 += f * c;
                    a11 += f * f;
                    a20 += j2 * c;
                    a21 += j2 * f;
                    a22 += j2 * j2;
                    a30 += j3 * c;
                    a31 += j3 * f;
                    a32 += j3 * j2;
                    a33 += j3 * j3;
                    }
                }

            k = n;
            sse = Vector256.Sum(sq);
            g0 = Vector256.Sum(b0);
            g1 = Vector256.Sum(b1);
            g2 = Vector256.Sum(b2);
            g3 = Vector256.Sum(b3);
            s00 = Vector256.Sum(a00);
            s10 = Vector256.Sum(a10);
            s11 = Vector256.Sum(a11);
            s20 = Vector256.Sum(a20);
            s21 = Vector256.Sum(a21);
            s22 = Vector256.Sum(a22);
            s30 = Vector256.Sum(a30);
            s31 = Vector256.Sum(a31);
            s32 = Vector256.Sum(a32);
            s33 = Vector256.Sum(a33);
        }

        for (; k < n; k++)
        {
            double x = Unsafe.Add(ref x0, k);
            double u = double.IsNegativeInfinity(x) ? uInfinity : Ln10 * (logIC50 - x) * hillSlope;
            double f;
            double c;
            if (u >= 0)
            {
                double e = Math.Exp(-u);
                c = 1 / (1 + e);
                f = e / (1 + e);
            }
            else
            {
                double e = Math.Exp(u);
                c = e / (1 + e);
                f = 1 / (1 + e);
            }

            double fg = f * c;
            double j2;
            double j3;
            if (fg == 0)
            {
                j2 = 0;
                j3 = 0;
            }
            else
            {
                j2 = -span * fg * Ln10 * hillSlope;
                j3 = -span * fg * Ln10 * (logIC50 - x);
            }

            double r = Unsafe.Add(ref y0, k) - (bottom + (span * f));
            if (weighted)
            {
                double w = Unsafe.Add(ref w0, k);
                r = w * r;
                c *= w;
                f *= w;
                j2 *= w;
                j3 *= w;
            }

            sse += r * r;
            g0 += c * r;
            g1 += f * r;
            g2 += j2 * r;
            g3 += j3 * r;
            s00 += c * c;
            s10 += f * c;
            s11 += f * f;
            s20 += j2 * c;
            s21 += j2 * f;
            s22 += j2 * j2;
            s30 += j3 * c;
            s31 += j3 * f;
            s32 += j3 * j2;
            s33 += j3 * j3;
        }

        if (!double.IsFinite(sse))
        {
            return double.NaN;
        }

        return Gather(map, ref normal, ref gradient, sse, s00, s10, s11, s20, s21, s22, s30, s31, s32, s33, g0, g1, g2, g3);
    }

    /// <summary>
    /// One pass of <see cref="MinimizeLorentzian"/> at <paramref name="full"/>: returns G = sum c_i^2 ln(1 + z_i^2),
    /// z_i = r_i/c_i; writes sum w_i r_i J_i (w_i = 1/(1 + z_i^2)) into <paramref name="gradient"/>, Newton's
    /// sum w_i (2 w_i - 1) J_i J_i' (IRLS's sum w_i J_i J_i' when <paramref name="irls"/>) into <paramref name="hessian"/> and the diagonal of sum w_i J_i J_i' into
    /// <paramref name="diagonal"/> (free parameters). NaN if anything is not finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double AccumulateLorentzian(
        in Points points,
        ReadOnlySpan<double> full,
        in FreeParameters map,
        ref double scales,
        ref double hessian,
        ref double gradient,
        ref double diagonal,
        bool irls)
    {
        double bottom = full[0];
        double logIC50 = full[2];
        double hillSlope = full[3];
        double span = full[1] - bottom;
        double uInfinity = UAtZeroConcentration(hillSlope);
        double s00 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s22 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        double g0 = 0, g1 = 0, g2 = 0, g3 = 0;
        double d0 = 0, d1 = 0, d2 = 0, d3 = 0;
        double loss = 0;
        int n = points.Count;
        ref double x0 = ref points.X;
        ref double y0 = ref points.Y;
        int k = 0;
        if (points.Vectorize)
        {
            var vBottom = Vector256.Create(bottom);
            var vSpan = Vector256.Create(span);
            var vLogIC50 = Vector256.Create(logIC50);
            var vLnH = Vector256.Create(Ln10 * hillSlope);
            var vJ2 = Vector256.Create(-span * Ln10 * hillSlope);
            var vJ3 = Vector256.Create(-span * Ln10);
            var vUInfinity = Vector256.Create(uInfinity);
            Vector256<double> a00 = default, a10 = default, a11 = default, a20 = default, a21 = default, a22 = default;
            Vector256<double> a30 = default, a31 = default, a32 = default, a33 = default;
            Vector256<double> b0 = default, b1 = default, b2 = default, b3 = default, sum = default;
            Vector256<double> e0 = default, e1 = default, e2 = default, e3 = default;
            int blocks = n / Vector256<double>.Count;
            int tail = n - (blocks * Vector256<double>.Count);
            int last = tail == 0 ? blocks - 1 : blocks;
            for (int block = 0; block <= last; block++)
            {
                Vector256<double> keep = Vector256<double>.AllBitsSet;
                k = block * Vector256<double>.Count;
                if (block == blocks)
                {
                    k = n - Vector256<double>.Count;
                    keep = Vector256.GreaterThanOrEqual(
                        Vector256.Create(0.0, 1.0, 2.0, 3.0), Vector256.Create((double)(Vector256<double>.Count - tail)));
                }

                Vector256<double> x = Vector256.LoadUnsafe(ref x0, (nuint)k);
                Vector256<double> distance = vLogIC50 - x;
                Vector256<double> u = Vector256.ConditionalSelect(
                    Vector256.Equals(x, Vector256.Create(double.NegativeInfinity)), vUInfinity, vLnH * distance);
                Vector256<double> e = ExpOfNonPositive(-Vector256.Abs(u));
                Vector256<double> inverse = Vector256<double>.One / (Vector256<double>.One + e);
                Vector256<double> small = e * inverse;
                Vector256<double> positive = Vector256.GreaterThanOrEqual(u, Vector256<double>.Zero);
                Vector256<double> f = Vector256.ConditionalSelect(positive, small, inverse) & keep;
                Vector256<double> c = Vector256.ConditionalSelect(positive, inverse, small) & keep;
                Vector256<double> fg = f * c;
                Vector256<double> live = ~Vector256.Equals(fg, Vector256<double>.Zero);
                Vector256<double> j2 = (fg * vJ2) & live;
                Vector256<double> j3 = (fg * vJ3 * distance) & live;
                Vector256<double> r = (Vector256.LoadUnsafe(ref y0, (nuint)k) - Vector256.FusedMultiplyAdd(vSpan, f, vBottom)) & keep;
                Vector256<double> cs = Vector256.LoadUnsafe(ref scales, (nuint)k);
                Vector256<double> z = r / cs;
                Vector256<double> onePlus = Vector256.FusedMultiplyAdd(z, z, Vector256<double>.One);
                Vector256<double> w = Vector256<double>.One / onePlus;
                sum = Vector256.FusedMultiplyAdd(cs * cs, LogOfAtLeastOne(onePlus), sum);
                Vector256<double> v = irls ? w : w * (w + w - Vector256<double>.One);
                Vector256<double> wr = w * r;
                b0 = Vector256.FusedMultiplyAdd(c, wr, b0);
                b1 = Vector256.FusedMultiplyAdd(f, wr, b1);
                b2 = Vector256.FusedMultiplyAdd(j2, wr, b2);
                b3 = Vector256.FusedMultiplyAdd(j3, wr, b3);
                Vector256<double> vc = v * c;
                Vector256<double> vf = v * f;
                Vector256<double> vj2 = v * j2;
                Vector256<double> vj3 = v * j3;
                a00 = Vector256.FusedMultiplyAdd(vc, c, a00);
                a10 = Vector256.FusedMultiplyAdd(vf, c, a10);
                a11 = Vector256.FusedMultiplyAdd(vf, f, a11);
                a20 = Vector256.FusedMultiplyAdd(vj2, c, a20);
                a21 = Vector256.FusedMultiplyAdd(vj2, f, a21);
                a22 = Vector256.FusedMultiplyAdd(vj2, j2, a22);
                a30 = Vector256.FusedMultiplyAdd(vj3, c, a30);
                a31 = Vector256.FusedMultiplyAdd(vj3, f, a31);
                a32 = Vector256.FusedMultiplyAdd(vj3, j2, a32);
                a33 = Vector256.FusedMultiplyAdd(vj3, j3, a33);
                e0 = Vector256.FusedMultiplyAdd(w * c, c, e0);
                e1 = Vector256.FusedMultiplyAdd(w * f, f, e1);
                e2 = Vector256.FusedMultiplyAdd(w * j2, j2, e2);
                e3 = Vector256.FusedMultiplyAdd(w * j3, j3, e3);
            }

            k = n;
            loss = Vector256.Sum(sum);
            g0 = Vector256.Sum(b0);
            g1 = Vector256.Sum(b1);
            g2 = Vector256.Sum(b2);
            g3 = Vector256.Sum(b3);
            s00 = Vector256.Sum(a00);
            s10 = Vector256.Sum(a10);
            s11 = Vector256.Sum(a11);
            s20 = Vector256.Sum(a20);
            s21 = Vector256.Sum(a21);
            s22 = Vector256.Sum(a22);
            s30 = Vector256.Sum(a30);
            s31 = Vector256.Sum(a31);
            s32 = Vector256.Sum(a32);
            s33 = Vector256.Sum(a33);
            d0 = Vector256.Sum(e0);
            d1 = Vector256.Sum(e1);
            d2 = Vector256.Sum(e2);
            d3 = Vector256.Sum(e3);
        }

        for (; k < n; k++)
        {
            double x = Unsafe.Add(ref x0, k);
            double f = FourParameterLogistic.Fraction(logIC50, hillSlope, x, out double c);
            double fg = f * c;
            double j2 = fg == 0 ? 0 : -span * fg * Ln10 * hillSlope;
            double j3 = fg == 0 ? 0 : -span * fg * Ln10 * (logIC50 - x);
            double r = Unsafe.Add(ref y0, k) - (bottom + (span * f));
            double cs = Unsafe.Add(ref scales, k);
            double z = r / cs;
            double w = 1 / (1 + (z * z));
            loss += cs * cs * Math.Log(1 + (z * z));
            double v = irls ? w : w * ((2 * w) - 1);
            double wr = w * r;
            g0 += c * wr;
            g1 += f * wr;
            g2 += j2 * wr;
            g3 += j3 * wr;
            s00 += v * c * c;
            s10 += v * f * c;
            s11 += v * f * f;
            s20 += v * j2 * c;
            s21 += v * j2 * f;
            s22 += v * j2 * j2;
            s30 += v * j3 * c;
            s31 += v * j3 * f;
            s32 += v * j3 * j2;
            s33 += v * j3 * j3;
            d0 += w * c * c;
            d1 += w * f * f;
            d2 += w * j2 * j2;
            d3 += w * j3 * j3;
        }

        if (!double.IsFinite(loss) || !double.IsFinite(d0 + d1 + d2 + d3))
        {
            return double.NaN;
        }

        Span<double> allDiagonal = [d0, d1, d2, d3];
        for (int i = 0; i < map.Count; i++)
        {
            Unsafe.Add(ref diagonal, i) = allDiagonal[map[i]];
        }

        return Gather(map, ref hessian, ref gradient, loss, s00, s10, s11, s20, s21, s22, s30, s31, s32, s33, g0, g1, g2, g3);
    }

    /// <summary>
    /// ln x for x &gt;= 1 (finite), four at a time: x = 2^e m with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s),
    /// s = (m - 1)/(m + 1), |s| &lt; 0.172, by its odd series to s^21 (truncation below 1e-17).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> LogOfAtLeastOne(Vector256<double> x)
    {
        const double Ln2 = 0.693147180559945309417;
        const double TwoTo52 = 4503599627370496.0;
        Vector256<long> bits = x.AsInt64();

        // The biased exponent as a double without a 64-bit integer conversion (none in AVX2): placed in the
        // mantissa of 2^52, whose value is then 2^52 + exponent.
        Vector256<double> biased = (Vector256.ShiftRightLogical(bits, 52) | Vector256.Create(0x4330000000000000L)).AsDouble();
        Vector256<double> mantissa = ((bits & Vector256.Create(0x000FFFFFFFFFFFFFL)) | Vector256.Create(0x3FF0000000000000L)).AsDouble();
        Vector256<double> big = Vector256.GreaterThan(mantissa, Vector256.Create(1.4142135623730951));
        mantissa = Vector256.ConditionalSelect(big, mantissa * 0.5, mantissa);
        Vector256<double> e = biased - Vector256.Create(TwoTo52 + 1023) + (Vector256<double>.One & big);
        Vector256<double> s = (mantissa - Vector256<double>.One) / (mantissa + Vector256<double>.One);
        Vector256<double> s2 = s * s;
        Vector256<double> series = Vector256.Create(1.0 / 21);
        series = Vector256.FusedMultiplyAdd(series, s2, Vector256.Create(1.0 / 19));
        series = Vector256.FusedMultiplyAdd(series, s2, Vector256.Create(1.0 / 17));
        series = Vector256.FusedMultiplyAdd(series, s2, Vector256.Create(1.0 / 15));
        series = Vector256.FusedMultiplyAdd(series, s2, Vector256.Create(1.0 / 13));
        series = Vector256.FusedMultiplyAdd(series, s2, Vector256.Create(1.0 / 11));
        series = Vector256.FusedMultiplyAdd(series, s2, Vector256.Create(1.0 / 9));
        series = Vector256.FusedMultiplyAdd(series, s2, Vector256.Create(1.0 / 7));
        series = Vector256.FusedMultiplyAdd(series, s2, Vector256.Create(1.0 / 5));
        series = Vector256.FusedMultiplyAdd(series, s2, Vector256.Create(1.0 / 3));
        series = Vector256.FusedMultiplyAdd(series, s2, Vector256<double>.One);
        return Vector256.FusedMultiplyAdd(e, Vector256.Create(Ln2), (s + s) * series);
    }

    /// <summary>
    /// Writes the free parameters' part of the full J'J (lower triangle s_ij) and J'r into <paramref name="normal"/>
    /// (p x p, row-major) and <paramref name="gradient"/>; returns <paramref name="sse"/>, or NaN if any is not finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Gather(
        in FreeParameters map, ref double normal, ref double gradient, double sse,
        double s00, double s10, double s11, double s20, double s21, double s22, double s30, double s31, double s32, double s33,
        double g0, double g1, double g2, double g3)
    {
        int p = map.Count;
        if (p == 4)
        {
            Unsafe.Add(ref normal, 0) = s00; Unsafe.Add(ref normal, 1) = s10; Unsafe.Add(ref normal, 2) = s20; Unsafe.Add(ref normal, 3) = s30;
            Unsafe.Add(ref normal, 4) = s10; Unsafe.Add(ref normal, 5) = s11; Unsafe.Add(ref normal, 6) = s21; Unsafe.Add(ref normal, 7) = s31;
            Unsafe.Add(ref normal, 8) = s20; Unsafe.Add(ref normal, 9) = s21; Unsafe.Add(ref normal, 10) = s22; Unsafe.Add(ref normal, 11) = s32;
            Unsafe.Add(ref normal, 12) = s30; Unsafe.Add(ref normal, 13) = s31; Unsafe.Add(ref normal, 14) = s32; Unsafe.Add(ref normal, 15) = s33;
            Unsafe.Add(ref gradient, 0) = g0; Unsafe.Add(ref gradient, 1) = g1; Unsafe.Add(ref gradient, 2) = g2; Unsafe.Add(ref gradient, 3) = g3;
        }
        else
        {
            GatherFree(map, ref normal, ref gradient, s00, s10, s11, s20, s21, s22, s30, s31, s32, s33, g0, g1, g2, g3);
        }

        for (int i = 0; i < p * p; i++)
        {
            if (!double.IsFinite(Unsafe.Add(ref normal, i)))
            {
                return double.NaN;
            }
        }

        return sse;
    }

    private static void GatherFree(
        in FreeParameters map, ref double normal, ref double gradient,
        double s00, double s10, double s11, double s20, double s21, double s22, double s30, double s31, double s32, double s33,
        double g0, double g1, double g2, double g3)
    {
        int p = map.Count;
        Span<double> all = [s00, s10, s20, s30, s10, s11, s21, s31, s20, s21, s22, s32, s30, s31, s32, s33];
        Span<double> allGradient = [g0, g1, g2, g3];
        for (int i = 0; i < p; i++)
        {
            int mi = map[i];
            Unsafe.Add(ref gradient, i) = allGradient[mi];
            for (int j = 0; j < p; j++)
            {
                Unsafe.Add(ref normal, (i * p) + j) = all[(mi * 4) + map[j]];
            }
        }
    }

    /// <summary>The data of one minimization: X, Y and the square-root weights (none: unweighted), by reference.</summary>
    private readonly ref struct Points
    {
        public readonly ref double X;
        public readonly ref double Y;
        public readonly ref double W;

        /// <summary>Room for the exponentials of up to <see cref="ExpBlockPoints"/> points (vectorized passes).</summary>
        public readonly ref double Exponentials;
        public readonly int Count;
        public readonly bool IsWeighted;
        public readonly bool Vectorize;

        public Points(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> sqrtWeights, bool vectorize, Span<double> exponentials)
        {
            Exponentials = ref MemoryMarshal.GetReference(exponentials);
            X = ref MemoryMarshal.GetReference(x);
            Y = ref MemoryMarshal.GetReference(y);
            W = ref MemoryMarshal.GetReference(sqrtWeights);
            Count = y.Length;
            IsWeighted = sqrtWeights.Length != 0;
            Vectorize = vectorize && Count >= Vector256<double>.Count;
        }
    }

    /// <summary>The free parameters' indices into (Bottom, Top, LogIC50, HillSlope), in that order.</summary>
    private readonly struct FreeParameters
    {
        private readonly int _packed;

        public FreeParameters(int freeMask)
        {
            int count = 0;
            int packed = 0;
            for (int i = 0; i < 4; i++)
            {
                if ((freeMask & (1 << i)) != 0)
                {
                    packed |= i << (2 * count);
                    count++;
                }
            }

            _packed = packed;
            Count = count;
        }

        public int Count { get; }

        public int this[int i] => (_packed >> (2 * i)) & 3;

        /// <summary>Writes the free values <paramref name="free"/> into their places in <paramref name="full"/>.</summary>
        public void Scatter(ref double free, Span<double> full)
        {
            for (int i = 0; i < Count; i++)
            {
                full[this[i]] = Unsafe.Add(ref free, i);
            }
        }
    }
}
