/**
 * Image datasets in memory ({@link dev.jnas.data.ImageDataset}), loaded by name from a {@link
 * dev.jnas.data.DatasetConfig} ({@link dev.jnas.data.Datasets}): Fashion-MNIST and any IDX pair,
 * CIFAR-10 and CIFAR-100 binary, folders of image files (through DJL's basicdataset and
 * ImageFactory), a synthetic set; and a prefetching, augmenting batch loader ({@link
 * dev.jnas.data.BatchLoader}).
 */
package dev.jnas.data;
