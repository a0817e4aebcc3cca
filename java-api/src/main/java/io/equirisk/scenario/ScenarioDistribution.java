package io.equirisk.scenario;

import io.equirisk.error.InvalidInputException;

/**
 * The joint law of one scenario row: Gaussian, or multivariate Student-t with integer ν degrees of freedom (fat
 * tails shared by every asset of the row, as in a market-wide shock), scaled so that its covariance is the model's
 * Σ rather than ν/(ν − 2)·Σ.
 *
 * @param degreesOfFreedom 0 for Gaussian, else ν in [{@value #MIN_DOF}, {@value #MAX_DOF}]
 */
public record ScenarioDistribution(int degreesOfFreedom) {
    /** The smallest ν with a finite covariance. */
    public static final int MIN_DOF = 3;
    /** Beyond this the t law is Gaussian to within sampling error (and each row's χ² costs ν normals). */
    public static final int MAX_DOF = 1000;

    /**
     * Checks ν.
     *
     * @throws InvalidInputException when ν is neither 0 nor in [{@value #MIN_DOF}, {@value #MAX_DOF}]
     */
    public ScenarioDistribution {
        if (degreesOfFreedom != 0 && (degreesOfFreedom < MIN_DOF || degreesOfFreedom > MAX_DOF)) {
            throw new InvalidInputException("Student-t degrees of freedom must be in [" + MIN_DOF + ", " + MAX_DOF
                    + "] (0 for Gaussian), got " + degreesOfFreedom);
        }
    }

    /**
     * The Gaussian law.
     *
     * @return the law with {@code degreesOfFreedom} 0
     */
    public static ScenarioDistribution gaussian() {
        return new ScenarioDistribution(0);
    }

    /**
     * The multivariate Student-t law with ν degrees of freedom, scaled to the model's covariance.
     *
     * @param degreesOfFreedom ν in [{@value #MIN_DOF}, {@value #MAX_DOF}]; smaller is fatter-tailed
     * @return the law
     * @throws InvalidInputException when ν is outside that range (0 included)
     */
    public static ScenarioDistribution studentT(int degreesOfFreedom) {
        if (degreesOfFreedom == 0) {
            throw new InvalidInputException("Student-t degrees of freedom must be in [" + MIN_DOF + ", " + MAX_DOF
                    + "], got 0");
        }
        return new ScenarioDistribution(degreesOfFreedom);
    }

    /**
     * Whether this is the Gaussian law.
     *
     * @return whether {@code degreesOfFreedom} is 0
     */
    public boolean isGaussian() {
        return degreesOfFreedom == 0;
    }

    @Override
    public String toString() {
        return isGaussian() ? "Gaussian" : "Student-t, ν = " + degreesOfFreedom;
    }
}
