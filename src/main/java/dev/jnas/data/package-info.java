/**
 * Image datasets in memory ({@link dev.jnas.data.ImageDataset}), their readers (IDX for
 * Fashion-MNIST, CIFAR-10 binary) and a prefetching, augmenting batch loader ({@link
 * dev.jnas.data.BatchLoader}).
 */
package dev.jnas.data;
