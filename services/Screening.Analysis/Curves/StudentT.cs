namespace Screening.Analysis.Curves;

/// <summary>
/// Student's t distribution: the upper tail Q(t) = I_{v/(v+t^2)}(v/2, 1/2) / 2 through the
/// regularized incomplete beta function, and its quantile by safeguarded Newton iteration
/// (accurate to about 1e-13 relative).
/// </summary>
public static class StudentT
{
    // Quantiles at whole degrees of freedom (replicate means, single curves) are asked for
    // again and again with the same few probabilities: remembered exactly, per (p, df).
    private const int MaxCachedDegreesOfFreedom = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(double Probability, int DegreesOfFreedom), double> WholeDegreeQuantiles = new();

    /// <summary>P(T &lt;= t) on <paramref name="degreesOfFreedom"/> degrees of freedom; NaN for invalid arguments.</summary>
    public static double CumulativeProbability(double t, double degreesOfFreedom)
    {
        if (double.IsNaN(t) || !(degreesOfFreedom > 0))
        {
            return double.NaN;
        }

        double upper = UpperTail(Math.Abs(t), degreesOfFreedom);
        return t >= 0 ? 1 - upper : upper;
    }

    /// <summary>The t with P(T &lt;= t) = <paramref name="probability"/>; NaN for invalid arguments.</summary>
    public static double Quantile(double probability, double degreesOfFreedom)
    {
        if (!(probability >= 0 && probability <= 1) || !(degreesOfFreedom > 0) || double.IsNaN(degreesOfFreedom))
        {
            return double.NaN;
        }

        if (probability == 0)
        {
            return double.NegativeInfinity;
        }

        if (probability == 1)
        {
            return double.PositiveInfinity;
        }

        if (probability == 0.5)
        {
            return 0;
        }

        if (degreesOfFreedom <= MaxCachedDegreesOfFreedom && degreesOfFreedom == Math.Floor(degreesOfFreedom)
            && (WholeDegreeQuantiles.Count < 64 * MaxCachedDegreesOfFreedom || WholeDegreeQuantiles.ContainsKey((probability, (int)degreesOfFreedom))))
        {
            return WholeDegreeQuantiles.GetOrAdd((probability, (int)degreesOfFreedom), static key => Solve(key.Probability, key.DegreesOfFreedom));
        }

        return Solve(probability, degreesOfFreedom);
    }

    private static double Solve(double probability, double degreesOfFreedom)
    {
        // Solve Q(t) = tail for t > 0 on the smaller tail, so no precision is lost to 1 - p.
        double tail = probability > 0.5 ? 1 - probability : probability;
        double t = UpperQuantile(tail, degreesOfFreedom);
        return probability > 0.5 ? t : -t;
    }

    private static double UpperTail(double t, double v)
    {
        if (double.IsPositiveInfinity(t))
        {
            return 0;
        }

        return 0.5 * SpecialFunctions.RegularizedIncompleteBeta(v / 2, 0.5, v / (v + (t * t)));
    }

    private static double Density(double t, double v)
    {
        double logDensity = SpecialFunctions.LogGamma((v + 1) / 2) - SpecialFunctions.LogGamma(v / 2)
            - (0.5 * Math.Log(v * Math.PI)) - ((v + 1) / 2 * Math.Log(1 + (t * t / v)));
        return Math.Exp(logDensity);
    }

    private static double UpperQuantile(double tail, double v)
    {
        if (v == 1)
        {
            // Cauchy: exact.
            return Math.Tan(Math.PI * (0.5 - tail));
        }

        if (v == 2)
        {
            double p = 1 - tail;
            return ((2 * p) - 1) / Math.Sqrt(2 * p * tail);
        }

        // Cornish-Fisher expansion about the normal quantile (Abramowitz & Stegun 26.7.5) as the start.
        double z = NormalQuantileUpper(tail);
        double z2 = z * z;
        double t = z
            + (z * (z2 + 1) / (4 * v))
            + (z * ((5 * z2 * z2) + (16 * z2) + 3) / (96 * v * v))
            + (z * ((((3 * z2) + 19) * z2 * z2) + (17 * z2) - 15) / (384 * v * v * v));
        if (!(t > 0) || !double.IsFinite(t))
        {
            t = z > 0 ? z : 1;
        }

        // Newton on Q(t) - tail = 0 with dQ/dt = -density, kept inside a shrinking bracket.
        double low = 0;
        double high = double.PositiveInfinity;
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double q = UpperTail(t, v);
            if (q > tail)
            {
                low = t;
            }
            else
            {
                high = t;
            }

            double next = t + ((q - tail) / Density(t, v));
            if (!(next > low && next < high) || !double.IsFinite(next))
            {
                next = double.IsPositiveInfinity(high) ? 2 * Math.Max(t, 1) : 0.5 * (low + high);
            }

            if (Math.Abs(next - t) <= 1e-15 * Math.Abs(next))
            {
                return next;
            }

            t = next;
        }

        return t;
    }

    /// <summary>
    /// The upper normal quantile (tail &lt;= 0.5), Acklam's rational approximation (relative error 1.15e-9):
    /// only a starting value here.
    /// </summary>
    private static double NormalQuantileUpper(double tail)
    {
        const double a1 = -3.969683028665376e+01, a2 = 2.209460984245205e+02, a3 = -2.759285104469687e+02;
        const double a4 = 1.383577518672690e+02, a5 = -3.066479806614716e+01, a6 = 2.506628277459239e+00;
        const double b1 = -5.447609879822406e+01, b2 = 1.615858368580409e+02, b3 = -1.556989798598866e+02;
        const double b4 = 6.680131188771972e+01, b5 = -1.328068155288572e+01;
        const double c1 = -7.784894002430293e-03, c2 = -3.223964580411365e-01, c3 = -2.400758277161838e+00;
        const double c4 = -2.549732539343734e+00, c5 = 4.374664141464968e+00, c6 = 2.938163982698783e+00;
        const double d1 = 7.784695709041462e-03, d2 = 3.224671290700398e-01, d3 = 2.445134137142996e+00;
        const double d4 = 3.754408661907416e+00;

        if (tail < 0.02425)
        {
            double q = Math.Sqrt(-2 * Math.Log(tail));
            return -(((((((((c1 * q) + c2) * q) + c3) * q) + c4) * q) + c5) * q + c6)
                / ((((((((d1 * q) + d2) * q) + d3) * q) + d4) * q) + 1);
        }

        double r0 = 0.5 - tail;
        double r = r0 * r0;
        return (((((((((a1 * r) + a2) * r) + a3) * r) + a4) * r) + a5) * r + a6) * r0
            / (((((((((b1 * r) + b2) * r) + b3) * r) + b4) * r) + b5) * r + 1);
    }
}

/// <summary>The F distribution's upper tail, for the extra-sum-of-squares test against a horizontal line.</summary>
internal static class FDistribution
{
    /// <summary>P(F &gt; f) on (d1, d2) degrees of freedom: I_{d2/(d2+d1 f)}(d2/2, d1/2).</summary>
    public static double UpperTail(double f, double d1, double d2)
    {
        if (double.IsNaN(f) || !(d1 > 0) || !(d2 > 0))
        {
            return double.NaN;
        }

        if (f <= 0)
        {
            return 1;
        }

        if (double.IsPositiveInfinity(f))
        {
            return 0;
        }

        return SpecialFunctions.RegularizedIncompleteBeta(d2 / 2, d1 / 2, d2 / (d2 + (d1 * f)));
    }
}

/// <summary>Log-gamma and the regularized incomplete beta function (Numerical Recipes, 3rd ed., 6.1 and 6.4).</summary>
internal static class SpecialFunctions
{
    private static readonly double[] LanczosCoefficients =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    /// <summary>ln Gamma(x) for x &gt; 0, Lanczos approximation with g = 7 (about 1e-15 relative).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Reflection: Gamma(x) Gamma(1-x) = pi / sin(pi x).
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        double sum = LanczosCoefficients[0];
        for (int i = 1; i < LanczosCoefficients.Length; i++)
        {
            sum += LanczosCoefficients[i] / (x + i);
        }

        double t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>I_x(a, b) by Lentz's continued fraction, using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) for fast convergence.</summary>
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (double.IsNaN(x) || !(a > 0) || !(b > 0))
        {
            return double.NaN;
        }

        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        double logFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x));
        double front = Math.Exp(logFront);
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(a, b, x) / a
            : 1 - (front * BetaContinuedFraction(b, a, 1 - x) / b);
    }

    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        const double epsilon = 1e-16;
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - (qab * x / qap);
        if (Math.Abs(d) < tiny)
        {
            d = tiny;
        }

        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 100000; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + (aa * d);
            if (Math.Abs(d) < tiny)
            {
                d = tiny;
            }

            c = 1 + (aa / c);
            if (Math.Abs(c) < tiny)
            {
                c = tiny;
            }

            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + (aa * d);
            if (Math.Abs(d) < tiny)
            {
                d = tiny;
            }

            c = 1 + (aa / c);
            if (Math.Abs(c) < tiny)
            {
                c = tiny;
            }

            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) <= epsilon)
            {
                break;
            }
        }

        return h;
    }
}
