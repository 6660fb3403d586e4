using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Screening.Analysis.Curves;

/// <summary>
/// A least-squares problem for <see cref="LevenbergMarquardt"/>: observations y_i and a model
/// f(x_i; p) with an analytic gradient. A ref struct, so a model can hold the caller's spans.
/// </summary>
internal interface ILeastSquaresModel
{
    int Points { get; }

    int Parameters { get; }

    /// <summary>The residual y_i - f(x_i; p).</summary>
    double Residual(int index, ReadOnlySpan<double> parameters);

    /// <summary>The residual y_i - f(x_i; p); writes the model's gradient df/dp_j into <paramref name="gradient"/>.</summary>
    double Residual(int index, ReadOnlySpan<double> parameters, Span<double> gradient);
}

/// <summary>The end of a minimization: the residual sum of squares reached and how.</summary>
internal readonly record struct LeastSquaresOutcome(double SumOfSquares, int Iterations, bool Converged);

/// <summary>
/// Levenberg-Marquardt with Marquardt's scaled damping (Marquardt 1963, SIAM J. Appl. Math. 11:431):
/// each trial step solves (J'J + lambda diag(J'J)) delta = J'r by Cholesky, so the damping is
/// invariant to the scale of each parameter. J'J and J'r are accumulated point by point, so
/// nothing proportional to the number of points is stored and nothing is allocated.
/// Box bounds are enforced by projecting each trial point onto the box.
/// </summary>
internal static class LevenbergMarquardt
{
    public const int MaxParameters = 8;

    /// <summary>Converged when the scaled step is this small relative to the scaled parameters (MINPACK's xtol).</summary>
    private const double StepTolerance = 1e-11;

    internal const double InitialDamping = 1e-3;
    internal const double MinDamping = 1e-15;

    /// <summary>Beyond this damping no descent step exists at working precision: a (possibly bounded) minimum.</summary>
    internal const double MaxDamping = 1e16;

    /// <summary>
    /// Minimizes sum r_i^2 from <paramref name="parameters"/>, which holds the estimates on return
    /// (the best point found, also when the iteration budget runs out).
    /// </summary>
    public static LeastSquaresOutcome Minimize<TModel>(
        TModel model,
        Span<double> parameters,
        ReadOnlySpan<double> lower,
        ReadOnlySpan<double> upper,
        int maxIterations)
        where TModel : ILeastSquaresModel, allows ref struct
    {
        int p = model.Parameters;
        if (p < 1 || p > MaxParameters || parameters.Length < p || lower.Length < p || upper.Length < p)
        {
            return new LeastSquaresOutcome(double.NaN, 0, false);
        }

        Span<double> normal = stackalloc double[MaxParameters * MaxParameters];
        Span<double> damped = stackalloc double[MaxParameters * MaxParameters];
        Span<double> gradient = stackalloc double[MaxParameters];
        Span<double> scale = stackalloc double[MaxParameters];
        Span<double> step = stackalloc double[MaxParameters];
        Span<double> trial = stackalloc double[MaxParameters];
        Span<double> row = stackalloc double[MaxParameters];
        Span<double> trialNormal = stackalloc double[MaxParameters * MaxParameters];
        Span<double> trialGradient = stackalloc double[MaxParameters];
        trialNormal = trialNormal[..(p * p)];
        trialGradient = trialGradient[..p];
        normal = normal[..(p * p)];
        damped = damped[..(p * p)];
        gradient = gradient[..p];
        scale = scale[..p];
        step = step[..p];
        trial = trial[..p];
        row = row[..p];
        Span<double> estimates = parameters[..p];

        Project(estimates, lower, upper);
        double sse = Accumulate(model, estimates, normal, gradient, row);
        if (!double.IsFinite(sse))
        {
            return new LeastSquaresOutcome(sse, 0, false);
        }

        double lambda = InitialDamping;
        double growth = 2;
        int iterations = 0;
        while (iterations < maxIterations)
        {
            if (sse == 0)
            {
                return new LeastSquaresOutcome(sse, iterations, true);
            }

            iterations++;
            DampingScale(normal, scale, p);
            normal.CopyTo(damped);
            for (int i = 0; i < p; i++)
            {
                damped[(i * p) + i] += lambda * scale[i];
            }

            if (!Cholesky.TrySolve(damped, gradient, step, p))
            {
                lambda *= 10;
                if (lambda > MaxDamping)
                {
                    return new LeastSquaresOutcome(sse, iterations, true);
                }

                continue;
            }

            for (int i = 0; i < p; i++)
            {
                trial[i] = estimates[i] + step[i];
            }

            Project(trial, lower, upper);
            bool negligible = IsNegligibleStep(estimates, trial, scale);
            // J'J and J'r at the trial point in the same pass as its SSE: an accepted step then needs no
            // second evaluation of the model (half the exp calls of evaluating the SSE first).
            double trialSse = Accumulate(model, trial, trialNormal, trialGradient, row);
            if (trialSse < sse)
            {
                // Nielsen's update (Madsen, Nielsen & Tingleff 2004, eq. 3.16): the gain ratio rho of actual
                // to predicted reduction sets how far the damping drops, so a lucky long step early on
                // does not leave the damping so low that the next steps run away.
                double predicted = PredictedReduction(step, gradient, scale, lambda);
                double rho = predicted > 0 ? (sse - trialSse) / predicted : 1;
                double cube = (2 * rho) - 1;
                lambda = Math.Max(lambda * Math.Max(1.0 / 3, 1 - (cube * cube * cube)), MinDamping);
                growth = 2;
                trial.CopyTo(estimates);
                trialNormal.CopyTo(normal);
                trialGradient.CopyTo(gradient);
                sse = trialSse;
                if (negligible)
                {
                    return new LeastSquaresOutcome(sse, iterations, true);
                }
            }
            else
            {
                // A step below the resolution of the parameters that does not lower the SSE
                // means the minimum is reached to working precision.
                if (negligible)
                {
                    return new LeastSquaresOutcome(sse, iterations, true);
                }

                lambda *= growth;
                growth *= 2;
                if (lambda > MaxDamping)
                {
                    return new LeastSquaresOutcome(sse, iterations, true);
                }
            }
        }

        return new LeastSquaresOutcome(sse, iterations, false);
    }

    /// <summary>
    /// The reduction of the SSE predicted by the linearized model for step delta solving
    /// (J'J + lambda D) delta = J'r: 2 delta'J'r - delta'J'J delta = delta'(J'r + lambda D delta).
    /// </summary>
    internal static double PredictedReduction(ReadOnlySpan<double> step, ReadOnlySpan<double> gradient, ReadOnlySpan<double> scale, double lambda)
    {
        double reduction = 0;
        for (int i = 0; i < step.Length; i++)
        {
            reduction += step[i] * (gradient[i] + (lambda * scale[i] * step[i]));
        }

        return reduction;
    }

    /// <inheritdoc cref="PredictedReduction(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double PredictedReduction(ref double step, ref double gradient, ref double scale, double lambda, int p)
    {
        double reduction = 0;
        for (int i = 0; i < p; i++)
        {
            double s = Unsafe.Add(ref step, i);
            reduction += s * (Unsafe.Add(ref gradient, i) + (lambda * Unsafe.Add(ref scale, i) * s));
        }

        return reduction;
    }

    /// <summary>The residual sum of squares at <paramref name="parameters"/> (NaN if any residual is not finite).</summary>
    public static double SumOfSquares<TModel>(TModel model, ReadOnlySpan<double> parameters)
        where TModel : ILeastSquaresModel, allows ref struct
    {
        double sse = 0;
        int n = model.Points;
        for (int i = 0; i < n; i++)
        {
            double r = model.Residual(i, parameters);
            sse += r * r;
        }

        return double.IsFinite(sse) ? sse : double.NaN;
    }

    /// <summary>
    /// The unscaled Gauss-Newton covariance (J'J)^-1 at <paramref name="parameters"/>, row-major p x p;
    /// false when J'J is singular. Multiply by s^2 = SSE/(n-p) for the covariance of the estimates.
    /// </summary>
    public static bool TryUnscaledCovariance<TModel>(TModel model, ReadOnlySpan<double> parameters, Span<double> covariance)
        where TModel : ILeastSquaresModel, allows ref struct
    {
        int p = model.Parameters;
        if (p < 1 || p > MaxParameters || covariance.Length < p * p)
        {
            return false;
        }

        Span<double> normal = stackalloc double[MaxParameters * MaxParameters];
        Span<double> gradient = stackalloc double[MaxParameters];
        Span<double> row = stackalloc double[MaxParameters];
        normal = normal[..(p * p)];
        double sse = Accumulate(model, parameters, normal, gradient[..p], row[..p]);
        return double.IsFinite(sse) && Cholesky.TryInvert(normal, covariance[..(p * p)], p);
    }

    /// <summary>Accumulates J'J and J'r (J = df/dp) and returns the SSE; NaN if anything is not finite.</summary>
    private static double Accumulate<TModel>(
        TModel model,
        ReadOnlySpan<double> parameters,
        Span<double> normal,
        Span<double> gradient,
        Span<double> row)
        where TModel : ILeastSquaresModel, allows ref struct
    {
        int p = model.Parameters;
        normal.Clear();
        gradient.Clear();
        double sse = 0;
        int n = model.Points;
        for (int k = 0; k < n; k++)
        {
            double r = model.Residual(k, parameters, row);
            sse += r * r;
            for (int i = 0; i < p; i++)
            {
                double ji = row[i];
                gradient[i] += ji * r;
                for (int j = 0; j <= i; j++)
                {
                    normal[(i * p) + j] += ji * row[j];
                }
            }
        }

        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < i; j++)
            {
                normal[(j * p) + i] = normal[(i * p) + j];
            }
        }

        if (!double.IsFinite(sse))
        {
            return double.NaN;
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

    /// <summary>Marquardt's scale diag(J'J), floored so a parameter without influence still gets damped.</summary>
    internal static void DampingScale(ReadOnlySpan<double> normal, Span<double> scale, int p) =>
        DampingScale(ref MemoryMarshal.GetReference(normal), ref MemoryMarshal.GetReference(scale), p);

    /// <inheritdoc cref="DampingScale(ReadOnlySpan{double}, Span{double}, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void DampingScale(ref double normal, ref double scale, int p)
    {
        double largest = 0;
        for (int i = 0; i < p; i++)
        {
            largest = Math.Max(largest, Unsafe.Add(ref normal, (i * p) + i));
        }

        double floor = Math.Max(largest * 1e-12, 1e-300);
        for (int i = 0; i < p; i++)
        {
            Unsafe.Add(ref scale, i) = Math.Max(Unsafe.Add(ref normal, (i * p) + i), floor);
        }
    }

    /// <summary>
    /// MINPACK's xtol test: ||D (to - from)|| &lt;= xtol ||D from||, D = diag(J'J)^(1/2) (the damping scale),
    /// compared squared so no square root is taken.
    /// </summary>
    internal static bool IsNegligibleStep(ReadOnlySpan<double> from, ReadOnlySpan<double> to, ReadOnlySpan<double> scale) =>
        from.Length <= to.Length && from.Length <= scale.Length
        && IsNegligibleStep(ref MemoryMarshal.GetReference(from), ref MemoryMarshal.GetReference(to), ref MemoryMarshal.GetReference(scale), from.Length);

    /// <inheritdoc cref="IsNegligibleStep(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsNegligibleStep(ref readonly double from, ref readonly double to, ref readonly double scale, int p)
    {
        double stepNorm = 0;
        double parameterNorm = 0;
        for (int i = 0; i < p; i++)
        {
            double d = Unsafe.Add(ref Unsafe.AsRef(in scale), i);
            double a = Unsafe.Add(ref Unsafe.AsRef(in from), i);
            double s = Unsafe.Add(ref Unsafe.AsRef(in to), i) - a;
            stepNorm += d * s * s;
            parameterNorm += d * a * a;
        }

        return stepNorm <= StepTolerance * StepTolerance * parameterNorm;
    }

    internal static void Project(Span<double> parameters, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = Math.Clamp(parameters[i], lower[i], upper[i]);
        }
    }
}

/// <summary>
/// Cholesky factorization A = L L' for the small symmetric positive-definite systems of the fitter.
/// Only the lower triangle of A is read. Elements are addressed by reference (no bounds checks: these
/// run once or more per LM iteration, and p is at most <see cref="LevenbergMarquardt.MaxParameters"/>).
/// </summary>
internal static class Cholesky
{
    /// <summary>Factors row-major <paramref name="a"/> (p x p) in place into its lower triangle.</summary>
    public static bool TryFactor(Span<double> a, int p) =>
        a.Length >= p * p && TryFactor(ref MemoryMarshal.GetReference(a), p);

    /// <summary>Solves A x = b; <paramref name="a"/> may be overwritten (by its factor).</summary>
    public static bool TrySolve(Span<double> a, ReadOnlySpan<double> b, Span<double> x, int p) =>
        a.Length >= p * p && b.Length >= p && x.Length >= p
        && TrySolve(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(x), p);

    /// <summary>As <see cref="TrySolve(Span{double}, ReadOnlySpan{double}, Span{double}, int)"/> on p x p, p and p elements from the references.</summary>
    internal static bool TrySolve(ref double a, ref readonly double b, ref double x, int p)
    {
        if (p == 4)
        {
            return TrySolve4(ref a, in b, ref x);
        }

        if (p == 3)
        {
            return TrySolve3(ref a, in b, ref x);
        }

        if (!TryFactor(ref a, p))
        {
            return false;
        }

        SolveFactored(ref a, in b, ref x, p);
        for (int i = 0; i < p; i++)
        {
            if (!double.IsFinite(Unsafe.Add(ref x, i)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes A^-1 into <paramref name="inverse"/>, leaving <paramref name="a"/> unchanged.</summary>
    public static bool TryInvert(ReadOnlySpan<double> a, Span<double> inverse, int p)
    {
        if (p == 4 && a.Length >= 16 && inverse.Length >= 16)
        {
            return TryInvert4(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(inverse));
        }

        Span<double> factor = stackalloc double[LevenbergMarquardt.MaxParameters * LevenbergMarquardt.MaxParameters];
        Span<double> unit = stackalloc double[LevenbergMarquardt.MaxParameters];
        Span<double> column = stackalloc double[LevenbergMarquardt.MaxParameters];
        factor = factor[..(p * p)];
        a[..(p * p)].CopyTo(factor);
        if (!TryFactor(factor, p))
        {
            return false;
        }

        for (int j = 0; j < p; j++)
        {
            unit.Clear();
            unit[j] = 1;
            SolveFactored(ref MemoryMarshal.GetReference(factor), in MemoryMarshal.GetReference(unit), ref MemoryMarshal.GetReference(column), p);
            for (int i = 0; i < p; i++)
            {
                if (!double.IsFinite(column[i]))
                {
                    return false;
                }

                inverse[(i * p) + j] = column[i];
            }
        }

        return true;
    }

    /// <summary>
    /// <see cref="TrySolve(ref double, ref readonly double, ref double, int)"/> for p = 4 written out: the same
    /// operations in the same order as the loops of <see cref="TryFactor(ref double, int)"/> and
    /// <see cref="SolveFactored"/> (identical results), without their loop control. The factor is not stored back.
    /// </summary>
    private static bool TrySolve4(ref double a, ref readonly double b, ref double x)
    {
        double a00 = a, a10 = Unsafe.Add(ref a, 4), a11 = Unsafe.Add(ref a, 5);
        double a20 = Unsafe.Add(ref a, 8), a21 = Unsafe.Add(ref a, 9), a22 = Unsafe.Add(ref a, 10);
        double a30 = Unsafe.Add(ref a, 12), a31 = Unsafe.Add(ref a, 13), a32 = Unsafe.Add(ref a, 14), a33 = Unsafe.Add(ref a, 15);
        double d = a00;
        if (!(d > 0) || !double.IsFinite(d))
        {
            return false;
        }

        double l00 = Math.Sqrt(d);
        double l10 = a10 / l00, l20 = a20 / l00, l30 = a30 / l00;
        d = a11 - (l10 * l10);
        if (!(d > 0) || !double.IsFinite(d))
        {
            return false;
        }

        double l11 = Math.Sqrt(d);
        double l21 = (a21 - (l20 * l10)) / l11;
        double l31 = (a31 - (l30 * l10)) / l11;
        d = a22 - (l20 * l20) - (l21 * l21);
        if (!(d > 0) || !double.IsFinite(d))
        {
            return false;
        }

        double l22 = Math.Sqrt(d);
        double l32 = (a32 - (l30 * l20) - (l31 * l21)) / l22;
        d = a33 - (l30 * l30) - (l31 * l31) - (l32 * l32);
        if (!(d > 0) || !double.IsFinite(d))
        {
            return false;
        }

        double l33 = Math.Sqrt(d);
        ref double br = ref Unsafe.AsRef(in b);
        double y0 = br / l00;
        double y1 = (Unsafe.Add(ref br, 1) - (l10 * y0)) / l11;
        double y2 = (Unsafe.Add(ref br, 2) - (l20 * y0) - (l21 * y1)) / l22;
        double y3 = (Unsafe.Add(ref br, 3) - (l30 * y0) - (l31 * y1) - (l32 * y2)) / l33;
        double x3 = y3 / l33;
        double x2 = (y2 - (l32 * x3)) / l22;
        double x1 = (y1 - (l21 * x2) - (l31 * x3)) / l11;
        double x0 = (y0 - (l10 * x1) - (l20 * x2) - (l30 * x3)) / l00;
        x = x0;
        Unsafe.Add(ref x, 1) = x1;
        Unsafe.Add(ref x, 2) = x2;
        Unsafe.Add(ref x, 3) = x3;
        return double.IsFinite(x0) && double.IsFinite(x1) && double.IsFinite(x2) && double.IsFinite(x3);
    }

    /// <summary>
    /// <see cref="TryInvert"/> for p = 4 written out: the factor and the four solves for the unit vectors are the
    /// operations of the loops in the same order (zero terms included), so the inverse is the same to the bit.
    /// </summary>
    private static bool TryInvert4(ref readonly double a, ref double inverse)
    {
        ref double ar = ref Unsafe.AsRef(in a);
        double d = ar;
        if (!(d > 0) || !double.IsFinite(d))
        {
            return false;
        }

        double l00 = Math.Sqrt(d);
        double l10 = Unsafe.Add(ref ar, 4) / l00, l20 = Unsafe.Add(ref ar, 8) / l00, l30 = Unsafe.Add(ref ar, 12) / l00;
        d = Unsafe.Add(ref ar, 5) - (l10 * l10);
        if (!(d > 0) || !double.IsFinite(d))
        {
            return false;
        }

        double l11 = Math.Sqrt(d);
        double l21 = (Unsafe.Add(ref ar, 9) - (l20 * l10)) / l11;
        double l31 = (Unsafe.Add(ref ar, 13) - (l30 * l10)) / l11;
        d = Unsafe.Add(ref ar, 10) - (l20 * l20) - (l21 * l21);
        if (!(d > 0) || !double.IsFinite(d))
        {
            return false;
        }

        double l22 = Math.Sqrt(d);
        double l32 = (Unsafe.Add(ref ar, 14) - (l30 * l20) - (l31 * l21)) / l22;
        d = Unsafe.Add(ref ar, 15) - (l30 * l30) - (l31 * l31) - (l32 * l32);
        if (!(d > 0) || !double.IsFinite(d))
        {
            return false;
        }

        double l33 = Math.Sqrt(d);
        for (int j = 0; j < 4; j++)
        {
            double b0 = j == 0 ? 1 : 0, b1 = j == 1 ? 1 : 0, b2 = j == 2 ? 1 : 0, b3 = j == 3 ? 1 : 0;
            double y0 = b0 / l00;
            double y1 = (b1 - (l10 * y0)) / l11;
            double y2 = (b2 - (l20 * y0) - (l21 * y1)) / l22;
            double y3 = (b3 - (l30 * y0) - (l31 * y1) - (l32 * y2)) / l33;
            double x3 = y3 / l33;
            double x2 = (y2 - (l32 * x3)) / l22;
            double x1 = (y1 - (l21 * x2) - (l31 * x3)) / l11;
            double x0 = (y0 - (l10 * x1) - (l20 * x2) - (l30 * x3)) / l00;
            if (!(double.IsFinite(x0) && double.IsFinite(x1) && double.IsFinite(x2) && double.IsFinite(x3)))
            {
                return false;
            }

            Unsafe.Add(ref inverse, j) = x0;
            Unsafe.Add(ref inverse, 4 + j) = x1;
            Unsafe.Add(ref inverse, 8 + j) = x2;
            Unsafe.Add(ref inverse, 12 + j) = x3;
        }

        return true;
    }

    /// <summary>As <see cref="TrySolve4"/> for p = 3 (Hill slope or one plateau fixed).</summary>
    private static bool TrySolve3(ref double a, ref readonly double b, ref double x)
    {
        double a00 = a, a10 = Unsafe.Add(ref a, 3), a11 = Unsafe.Add(ref a, 4);
        double a20 = Unsafe.Add(ref a, 6), a21 = Unsafe.Add(ref a, 7), a22 = Unsafe.Add(ref a, 8);
        double d = a00;
        if (!(d > 0) || !double.IsFinite(d))
        {
            return false;
        }

        double l00 = Math.Sqrt(d);
        double l10 = a10 / l00, l20 = a20 / l00;
        d = a11 - (l10 * l10);
        if (!(d > 0) || !double.IsFinite(d))
        {
            return false;
        }

        double l11 = Math.Sqrt(d);
        double l21 = (a21 - (l20 * l10)) / l11;
        d = a22 - (l20 * l20) - (l21 * l21);
        if (!(d > 0) || !double.IsFinite(d))
        {
            return false;
        }

        double l22 = Math.Sqrt(d);
        ref double br = ref Unsafe.AsRef(in b);
        double y0 = br / l00;
        double y1 = (Unsafe.Add(ref br, 1) - (l10 * y0)) / l11;
        double y2 = (Unsafe.Add(ref br, 2) - (l20 * y0) - (l21 * y1)) / l22;
        double x2 = y2 / l22;
        double x1 = (y1 - (l21 * x2)) / l11;
        double x0 = (y0 - (l10 * x1) - (l20 * x2)) / l00;
        x = x0;
        Unsafe.Add(ref x, 1) = x1;
        Unsafe.Add(ref x, 2) = x2;
        return double.IsFinite(x0) && double.IsFinite(x1) && double.IsFinite(x2);
    }

    private static bool TryFactor(ref double a, int p)
    {
        for (int j = 0; j < p; j++)
        {
            ref double rowJ = ref Unsafe.Add(ref a, j * p);
            double d = Unsafe.Add(ref rowJ, j);
            for (int k = 0; k < j; k++)
            {
                double l = Unsafe.Add(ref rowJ, k);
                d -= l * l;
            }

            if (!(d > 0) || !double.IsFinite(d))
            {
                return false;
            }

            double diagonal = Math.Sqrt(d);
            Unsafe.Add(ref rowJ, j) = diagonal;
            for (int i = j + 1; i < p; i++)
            {
                ref double rowI = ref Unsafe.Add(ref a, i * p);
                double s = Unsafe.Add(ref rowI, j);
                for (int k = 0; k < j; k++)
                {
                    s -= Unsafe.Add(ref rowI, k) * Unsafe.Add(ref rowJ, k);
                }

                Unsafe.Add(ref rowI, j) = s / diagonal;
            }
        }

        return true;
    }

    private static void SolveFactored(ref double l, ref readonly double b, ref double x, int p)
    {
        // L y = b, then L' x = y.
        for (int i = 0; i < p; i++)
        {
            ref double rowI = ref Unsafe.Add(ref l, i * p);
            double s = Unsafe.Add(ref Unsafe.AsRef(in b), i);
            for (int k = 0; k < i; k++)
            {
                s -= Unsafe.Add(ref rowI, k) * Unsafe.Add(ref x, k);
            }

            Unsafe.Add(ref x, i) = s / Unsafe.Add(ref rowI, i);
        }

        for (int i = p - 1; i >= 0; i--)
        {
            double s = Unsafe.Add(ref x, i);
            for (int k = i + 1; k < p; k++)
            {
                s -= Unsafe.Add(ref l, (k * p) + i) * Unsafe.Add(ref x, k);
            }

            Unsafe.Add(ref x, i) = s / Unsafe.Add(ref l, (i * p) + i);
        }
    }
}
