using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Screening.Analysis.Curves;

/// <summary>
/// <see cref="LevenbergMarquardt"/> specialised to the four-parameter logistic: the same iteration
/// (Marquardt's scaled damping, Nielsen's update, projection onto the box, the same step test), with
/// the model evaluated inline. One pass over the points computes the residuals, the SSE and the 10
/// distinct products of the 4x4 J'J with one <see cref="Math.Exp"/> per point and no interface call;
/// the free parameters are taken from that full system, so a fit with fixed parameters sums exactly
/// what the generic core sums (same operations, same order: identical results).
/// Nothing is allocated.
/// </summary>
internal static class FourParameterKernel
{
    private const double Ln10 = 2.302585092994045684;

    /// <summary>
    /// Converged also when an accepted step lowered the SSE by less than this, relative, and the
    /// linearized model predicted no more (MINPACK's ftol test: actred and prered both at most ftol).
    /// </summary>
    internal const double SumOfSquaresTolerance = 1e-10;

    // The damping schedule (initial, min, max) is the generic core's: see LevenbergMarquardt.
    /// <summary>
    /// Evaluate four points at a time with <see cref="Vector256"/> (vectorized exp, one division per point).
    /// Off: the scalar loop, which repeats the generic core's arithmetic exactly (the equivalence tests use it).
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
        Span<int> map = stackalloc int[4];
        int p = 0;
        for (int i = 0; i < 4; i++)
        {
            if ((freeMask & (1 << i)) != 0)
            {
                map[p++] = i;
            }
        }

        if (p == 0 || full.Length < 4 || logMolar.Length != response.Length || response.Length == 0
            || (sqrtWeights.Length != 0 && sqrtWeights.Length != response.Length))
        {
            return new LeastSquaresOutcome(double.NaN, 0, false);
        }

        map = map[..p];
        Span<double> normal = stackalloc double[16];
        Span<double> damped = stackalloc double[16];
        Span<double> trialNormal = stackalloc double[16];
        Span<double> gradient = stackalloc double[4];
        Span<double> trialGradient = stackalloc double[4];
        Span<double> scale = stackalloc double[4];
        Span<double> step = stackalloc double[4];
        Span<double> estimates = stackalloc double[4];
        Span<double> trial = stackalloc double[4];
        Span<double> lower = stackalloc double[4];
        Span<double> upper = stackalloc double[4];
        Span<double> trialFull = stackalloc double[4];
        normal = normal[..(p * p)];
        damped = damped[..(p * p)];
        trialNormal = trialNormal[..(p * p)];
        gradient = gradient[..p];
        trialGradient = trialGradient[..p];
        scale = scale[..p];
        step = step[..p];
        estimates = estimates[..p];
        trial = trial[..p];
        lower = lower[..p];
        upper = upper[..p];
        for (int i = 0; i < p; i++)
        {
            estimates[i] = full[map[i]];
            lower[i] = fullLower[map[i]];
            upper[i] = fullUpper[map[i]];
        }

        full[..4].CopyTo(trialFull);
        LevenbergMarquardt.Project(estimates, lower, upper);
        Scatter(estimates, map, full);
        double sse = Accumulate(logMolar, response, sqrtWeights, full, map, normal, gradient);
        if (!double.IsFinite(sse))
        {
            return new LeastSquaresOutcome(sse, 0, false);
        }

        double lambda = LevenbergMarquardt.InitialDamping;
        double growth = 2;
        int iterations = 0;
        while (iterations < maxIterations)
        {
            if (sse == 0)
            {
                return Finish(new LeastSquaresOutcome(sse, iterations, true), normal, finalNormal);
            }

            iterations++;
            LevenbergMarquardt.DampingScale(normal, scale, p);
            normal.CopyTo(damped);
            for (int i = 0; i < p; i++)
            {
                damped[(i * p) + i] += lambda * scale[i];
            }

            if (!Cholesky.TrySolve(damped, gradient, step, p))
            {
                lambda *= 10;
                if (lambda > LevenbergMarquardt.MaxDamping)
                {
                    return Finish(new LeastSquaresOutcome(sse, iterations, true), normal, finalNormal);
                }

                continue;
            }

            for (int i = 0; i < p; i++)
            {
                trial[i] = estimates[i] + step[i];
            }

            LevenbergMarquardt.Project(trial, lower, upper);
            bool negligible = LevenbergMarquardt.IsNegligibleStep(estimates, trial, scale);
            Scatter(trial, map, trialFull);
            double trialSse = Accumulate(logMolar, response, sqrtWeights, trialFull, map, trialNormal, trialGradient);
            if (trialSse < sse)
            {
                double predicted = LevenbergMarquardt.PredictedReduction(step, gradient, scale, lambda);
                double rho = predicted > 0 ? (sse - trialSse) / predicted : 1;
                double cube = (2 * rho) - 1;
                lambda = Math.Max(lambda * Math.Max(1.0 / 3, 1 - (cube * cube * cube)), LevenbergMarquardt.MinDamping);
                growth = 2;
                bool settled = sumOfSquaresTest
                    && sse - trialSse <= SumOfSquaresTolerance * sse
                    && predicted <= SumOfSquaresTolerance * sse
                    && rho <= 2;
                trial.CopyTo(estimates);
                trialNormal.CopyTo(normal);
                trialGradient.CopyTo(gradient);
                sse = trialSse;
                if (negligible || settled)
                {
                    Scatter(estimates, map, full);
                    return Finish(new LeastSquaresOutcome(sse, iterations, true), normal, finalNormal);
                }
            }
            else
            {
                if (negligible)
                {
                    Scatter(estimates, map, full);
                    return Finish(new LeastSquaresOutcome(sse, iterations, true), normal, finalNormal);
                }

                lambda *= growth;
                growth *= 2;
                if (lambda > LevenbergMarquardt.MaxDamping)
                {
                    Scatter(estimates, map, full);
                    return Finish(new LeastSquaresOutcome(sse, iterations, true), normal, finalNormal);
                }
            }
        }

        Scatter(estimates, map, full);
        return Finish(new LeastSquaresOutcome(sse, iterations, false), normal, finalNormal);
    }

    /// <summary>(J'J)^-1 over the free parameters at <paramref name="full"/>, row-major p x p; false when singular.</summary>
    public static bool TryUnscaledCovariance(
        ReadOnlySpan<double> logMolar, ReadOnlySpan<double> response, ReadOnlySpan<double> full, int freeMask, Span<double> covariance)
    {
        Span<int> map = stackalloc int[4];
        int p = 0;
        for (int i = 0; i < 4; i++)
        {
            if ((freeMask & (1 << i)) != 0)
            {
                map[p++] = i;
            }
        }

        if (p == 0 || covariance.Length < p * p)
        {
            return false;
        }

        Span<double> normal = stackalloc double[16];
        Span<double> gradient = stackalloc double[4];
        normal = normal[..(p * p)];
        double sse = Accumulate(logMolar, response, default, full, map[..p], normal, gradient[..p]);
        return double.IsFinite(sse) && Cholesky.TryInvert(normal, covariance[..(p * p)], p);
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
            double uInfinity = hillSlope < 0 ? double.NegativeInfinity : hillSlope > 0 ? double.PositiveInfinity : 0;
            var vBottom = Vector256.Create(bottom);
            var vSpan = Vector256.Create(span);
            var vLogIC50 = Vector256.Create(logIC50);
            var vLnH = Vector256.Create(Ln10 * hillSlope);
            var vUInfinity = Vector256.Create(uInfinity);
            var vMinusInfinity = Vector256.Create(double.NegativeInfinity);
            var one = Vector256<double>.One;
            ref double xr = ref Unsafe.AsRef(in logMolar[0]);
            ref double yr = ref Unsafe.AsRef(in response[0]);
            ref double rr = ref residuals[0];
            // A last vector overlapping the previous one covers the 1-3 remaining points (the overlap is recomputed identically).
            for (; k < n; k = Math.Min(k + Vector256<double>.Count, n))
            {
                k = Math.Min(k, n - Vector256<double>.Count);
                Vector256<double> x = Vector256.LoadUnsafe(ref xr, (nuint)k);
                Vector256<double> u = Vector256.ConditionalSelect(
                    Vector256.Equals(x, vMinusInfinity), vUInfinity, vLnH * (vLogIC50 - x));
                Vector256<double> e = Vector256.Exp(-Vector256.Abs(u));
                Vector256<double> inverse = one / (one + e);
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

    private static LeastSquaresOutcome Finish(LeastSquaresOutcome outcome, ReadOnlySpan<double> normal, Span<double> finalNormal)
    {
        if (finalNormal.Length >= normal.Length)
        {
            normal.CopyTo(finalNormal);
        }

        return outcome;
    }

    private static void Scatter(ReadOnlySpan<double> free, ReadOnlySpan<int> map, Span<double> full)
    {
        for (int i = 0; i < map.Length; i++)
        {
            full[map[i]] = free[i];
        }
    }

    /// <summary>
    /// SSE, J'J and J'r over the free parameters (<paramref name="map"/>) at <paramref name="full"/>; NaN if
    /// anything is not finite. Same formulas as <see cref="FourParameterLogistic.ResponseWithGradient"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Accumulate(
        ReadOnlySpan<double> logMolar,
        ReadOnlySpan<double> response,
        ReadOnlySpan<double> sqrtWeights,
        ReadOnlySpan<double> full,
        ReadOnlySpan<int> map,
        Span<double> normal,
        Span<double> gradient)
    {
        double bottom = full[0];
        double top = full[1];
        double logIC50 = full[2];
        double hillSlope = full[3];
        double span = top - bottom;
        double uInfinity = hillSlope < 0 ? double.NegativeInfinity : hillSlope > 0 ? double.PositiveInfinity : 0;
        double s00 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s22 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        double g0 = 0, g1 = 0, g2 = 0, g3 = 0;
        double sse = 0;
        int n = response.Length;
        bool weighted = sqrtWeights.Length != 0;
        ref readonly double x0 = ref logMolar[0];
        ref readonly double y0 = ref response[0];
        int k = 0;
        if (Vectorize && n >= Vector256<double>.Count)
        {
            var vBottom = Vector256.Create(bottom);
            var vSpan = Vector256.Create(span);
            var vLogIC50 = Vector256.Create(logIC50);
            var vLnH = Vector256.Create(Ln10 * hillSlope);
            var vJ2 = Vector256.Create(-span * Ln10 * hillSlope);
            var vJ3 = Vector256.Create(-span * Ln10);
            var vUInfinity = Vector256.Create(uInfinity);
            var vMinusInfinity = Vector256.Create(double.NegativeInfinity);
            var one = Vector256<double>.One;
            Vector256<double> a00 = default, a10 = default, a11 = default, a20 = default, a21 = default, a22 = default;
            Vector256<double> a30 = default, a31 = default, a32 = default, a33 = default;
            Vector256<double> b0 = default, b1 = default, b2 = default, b3 = default, sq = default;
            ref double xr = ref Unsafe.AsRef(in x0);
            ref double yr = ref Unsafe.AsRef(in y0);
            ref double wr = ref weighted ? ref Unsafe.AsRef(in sqrtWeights[0]) : ref Unsafe.NullRef<double>();
            // The last 1-3 points, if any, as one more vector overlapping the previous one, its repeated lanes masked.
            int blocks = n / Vector256<double>.Count;
            int tail = n - (blocks * Vector256<double>.Count);
            for (int block = 0; block <= blocks; block++)
            {
                Vector256<double> keep = Vector256<double>.AllBitsSet;
                if (block == blocks)
                {
                    if (tail == 0)
                    {
                        break;
                    }

                    k = n - Vector256<double>.Count;
                    keep = Vector256.GreaterThanOrEqual(
                        Vector256.Create(0.0, 1.0, 2.0, 3.0), Vector256.Create((double)(Vector256<double>.Count - tail)));
                }

                Vector256<double> x = Vector256.LoadUnsafe(ref xr, (nuint)k);
                Vector256<double> distance = vLogIC50 - x;
                Vector256<double> u = Vector256.ConditionalSelect(
                    Vector256.Equals(x, vMinusInfinity), vUInfinity, vLnH * distance);
                Vector256<double> e = Vector256.Exp(-Vector256.Abs(u));
                Vector256<double> inverse = one / (one + e);
                Vector256<double> small = e * inverse;
                Vector256<double> positive = Vector256.GreaterThanOrEqual(u, Vector256<double>.Zero);
                Vector256<double> f = Vector256.ConditionalSelect(positive, small, inverse);
                Vector256<double> c = Vector256.ConditionalSelect(positive, inverse, small);
                Vector256<double> fg = f * c;
                Vector256<double> live = ~Vector256.Equals(fg, Vector256<double>.Zero);
                Vector256<double> j2 = (fg * vJ2) & live;
                Vector256<double> j3 = (fg * vJ3 * distance) & live;
                Vector256<double> r = Vector256.LoadUnsafe(ref yr, (nuint)k) - (vBottom + (vSpan * f));
                r &= keep;
                c &= keep;
                f &= keep;
                j2 &= keep;
                j3 &= keep;
                if (weighted)
                {
                    Vector256<double> w = Vector256.LoadUnsafe(ref wr, (nuint)k);
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
                k += Vector256<double>.Count;
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
            double x = Unsafe.Add(ref Unsafe.AsRef(in x0), k);
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

            double r = Unsafe.Add(ref Unsafe.AsRef(in y0), k) - (bottom + (span * f));
            if (weighted)
            {
                double w = sqrtWeights[k];
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

        int p = map.Length;
        if (p == 4)
        {
            normal[0] = s00; normal[1] = s10; normal[2] = s20; normal[3] = s30;
            normal[4] = s10; normal[5] = s11; normal[6] = s21; normal[7] = s31;
            normal[8] = s20; normal[9] = s21; normal[10] = s22; normal[11] = s32;
            normal[12] = s30; normal[13] = s31; normal[14] = s32; normal[15] = s33;
            gradient[0] = g0; gradient[1] = g1; gradient[2] = g2; gradient[3] = g3;
        }
        else
        {
            Span<double> all = [s00, s10, s20, s30, s10, s11, s21, s31, s20, s21, s22, s32, s30, s31, s32, s33];
            Span<double> allGradient = [g0, g1, g2, g3];
            for (int i = 0; i < p; i++)
            {
                gradient[i] = allGradient[map[i]];
                for (int j = 0; j < p; j++)
                {
                    normal[(i * p) + j] = all[(map[i] * 4) + map[j]];
                }
            }
        }

        foreach (double value in normal)
        {
            if (!double.IsFinite(value))
            {
                return double.NaN;
            }
        }

        return sse;
    }
}
