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
    internal static void DampingScale(ReadOnlySpan<double> normal, Span<double> scale, int p)
    {
        double largest = 0;
        for (int i = 0; i < p; i++)
        {
            largest = Math.Max(largest, normal[(i * p) + i]);
        }

        double floor = Math.Max(largest * 1e-12, 1e-300);
        for (int i = 0; i < p; i++)
        {
            scale[i] = Math.Max(normal[(i * p) + i], floor);
        }
    }

    internal static bool IsNegligibleStep(ReadOnlySpan<double> from, ReadOnlySpan<double> to, ReadOnlySpan<double> scale)
    {
        double stepNorm = 0;
        double parameterNorm = 0;
        for (int i = 0; i < from.Length; i++)
        {
            double d = Math.Sqrt(scale[i]);
            double s = d * (to[i] - from[i]);
            double x = d * from[i];
            stepNorm += s * s;
            parameterNorm += x * x;
        }

        return Math.Sqrt(stepNorm) <= StepTolerance * Math.Sqrt(parameterNorm);
    }

    internal static void Project(Span<double> parameters, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = Math.Clamp(parameters[i], lower[i], upper[i]);
        }
    }
}

/// <summary>Cholesky factorization A = L L' for the small symmetric positive-definite systems of the fitter.</summary>
internal static class Cholesky
{
    /// <summary>Factors row-major <paramref name="a"/> (p x p) in place into its lower triangle.</summary>
    public static bool TryFactor(Span<double> a, int p)
    {
        for (int j = 0; j < p; j++)
        {
            double d = a[(j * p) + j];
            for (int k = 0; k < j; k++)
            {
                d -= a[(j * p) + k] * a[(j * p) + k];
            }

            if (!(d > 0) || !double.IsFinite(d))
            {
                return false;
            }

            double l = Math.Sqrt(d);
            a[(j * p) + j] = l;
            for (int i = j + 1; i < p; i++)
            {
                double s = a[(i * p) + j];
                for (int k = 0; k < j; k++)
                {
                    s -= a[(i * p) + k] * a[(j * p) + k];
                }

                a[(i * p) + j] = s / l;
            }
        }

        return true;
    }

    /// <summary>Solves A x = b, destroying <paramref name="a"/>.</summary>
    public static bool TrySolve(Span<double> a, ReadOnlySpan<double> b, Span<double> x, int p)
    {
        if (!TryFactor(a, p))
        {
            return false;
        }

        SolveFactored(a, b, x, p);
        foreach (double value in x[..p])
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes A^-1 into <paramref name="inverse"/>, leaving <paramref name="a"/> unchanged.</summary>
    public static bool TryInvert(ReadOnlySpan<double> a, Span<double> inverse, int p)
    {
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
            SolveFactored(factor, unit, column, p);
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

    private static void SolveFactored(ReadOnlySpan<double> l, ReadOnlySpan<double> b, Span<double> x, int p)
    {
        // L y = b, then L' x = y.
        for (int i = 0; i < p; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++)
            {
                s -= l[(i * p) + k] * x[k];
            }

            x[i] = s / l[(i * p) + i];
        }

        for (int i = p - 1; i >= 0; i--)
        {
            double s = x[i];
            for (int k = i + 1; k < p; k++)
            {
                s -= l[(k * p) + i] * x[k];
            }

            x[i] = s / l[(i * p) + i];
        }
    }
}
