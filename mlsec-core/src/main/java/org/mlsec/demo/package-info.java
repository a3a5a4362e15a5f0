/**
 * The demo's domain: the built-in "Layman Brothers" credit-card data generator ({@link org.mlsec.demo.LaymanBrothers})
 * and what is known about the UCI "default of credit card clients" data ({@link org.mlsec.demo.CreditCard}: its domain
 * rules and the monotone directions of its repayment-status columns).
 *
 * <p>This is the only core package that names that data set's columns. The general packages infer only what data
 * shows; a user's domain knowledge comes from files the user passes (a rules file, monotone constraints), and the
 * credit-card ones here are the example the demo uses.
 */
package org.mlsec.demo;
